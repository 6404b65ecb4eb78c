/**
 * Runs the real server (`main.ts`) as separate processes on loopback, the
 * way several edge instances share one KV database.
 */
import { CLIENT_ID, CLIENT_SECRET } from "./_app.ts";

export const SEAL_KEYS = "k1:ItBL5N1rkc1FJ5sdr7cEiYuLMpV3qm1czrBSdW9pE4Q";

export interface ServerProcess {
  origin: string;
  child: Deno.ChildProcess;
  /** Lines the server printed so far. */
  lines: string[];
  /** Resolves with the exit status once the process ends. */
  exited: Promise<Deno.CommandStatus>;
  kill(signal?: Deno.Signal): void;
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Appends the lines of `stream` to `lines` as they come. */
export async function collect(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
): Promise<void> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
  }
  if (buffer) lines.push(buffer);
}

/** Starts `main.ts` with `env` and waits until `/health` answers. */
export async function startServer(
  env: Record<string, string>,
): Promise<ServerProcess> {
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
    env: {
      PORT: String(port),
      PUBLIC_URL: origin,
      SEAL_KEYS,
      OAUTH_CLIENT_ID: CLIENT_ID,
      OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      DEV_LOGIN: "1",
      NO_COLOR: "1",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  collect(child.stdout, lines);
  collect(child.stderr, lines);
  const server: ServerProcess = {
    origin,
    child,
    lines,
    exited: child.status,
    kill: (signal = "SIGTERM") => {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${origin}/health`);
      await res.body?.cancel();
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server.kill("SIGKILL");
      await server.exited;
      throw new Error(`server did not start:\n${lines.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

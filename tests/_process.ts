/**
 * Runs the real server (`main.ts`, `scripts/dev.ts`) as separate processes
 * on loopback, the way an operator starts it and several edge instances
 * share one KV database.
 */
import { CLIENT_ID, CLIENT_SECRET } from "./_app.ts";

export const SEAL_KEYS = "k1:ItBL5N1rkc1FJ5sdr7cEiYuLMpV3qm1czrBSdW9pE4Q";

/**
 * What a child process keeps of this machine's environment: where Deno's
 * cache is, how to reach the npm registry (mirror, proxy, certificates),
 * and where programs are. Nothing the service reads: each test says that.
 */
const MACHINE = [
  "PATH",
  "HOME",
  "DENO_DIR",
  "XDG_CACHE_HOME",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NPM_CONFIG_REGISTRY",
  "npm_config_registry",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "DENO_NO_UPDATE_CHECK",
];

/**
 * A child's whole environment: the machine's settings above, `NO_COLOR`,
 * and `env`. Use with `clearEnv: true`.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of MACHINE) {
    const value = Deno.env.get(name);
    if (value !== undefined) kept[name] = value;
  }
  return { ...kept, NO_COLOR: "1", ...env };
}

export interface ServerProcess {
  /** `http://127.0.0.1:<the port it took>`. */
  origin: string;
  /** The PUBLIC_URL it runs with (`http://localhost:<port>` by default). */
  publicUrl: string;
  /** The address it listens on, as its "listening" line says. */
  address: string;
  child: Deno.ChildProcess;
  /** Lines the server printed so far. */
  lines: string[];
  /** Resolves with the exit status once the process ends. */
  exited: Promise<Deno.CommandStatus>;
  kill(signal?: Deno.Signal): void;
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

/**
 * Spawns `deno run -A <script>` (relative to the repository) with only
 * {@linkcode childEnv}`(env)`, and waits for its "listening" log line: the
 * server binds the port it is given (`PORT=0`: any free one, so no two
 * tests race for a port) and names it there.
 */
export async function spawnServer(
  script: string,
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<ServerProcess> {
  const root = new URL("../", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("deno.json", root).pathname,
      new URL(script, root).pathname,
    ],
    cwd: options.cwd,
    env: childEnv({ PORT: "0", ...env }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const output = Promise.all([
    collect(child.stdout, lines),
    collect(child.stderr, lines),
  ]);
  let ended = false;
  const exited = child.status.then(async (status) => {
    ended = true;
    await output;
    return status;
  });
  const kill = (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  };
  // Only a hang guard: a healthy start takes a second or two.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const listening = lines.map(parseLine).find((l) => l?.msg === "listening");
    if (listening) {
      const address = String(listening.address);
      const port = address.slice(address.lastIndexOf(":") + 1);
      return {
        origin: `http://127.0.0.1:${port}`,
        publicUrl: String(listening.publicUrl),
        address,
        child,
        lines,
        exited,
        kill,
      };
    }
    if (ended || Date.now() > deadline) {
      kill("SIGKILL");
      await exited;
      throw new Error(`${script} did not start:\n${lines.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function parseLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith("{")) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** Starts `main.ts` with the test client, the dev sign-in and `env`. */
export function startServer(
  env: Record<string, string>,
): Promise<ServerProcess> {
  return spawnServer("main.ts", {
    SEAL_KEYS,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    DEV_LOGIN: "1",
    ...env,
  });
}

/**
 * Composition root: reads the environment, opens KV, and serves
 * {@linkcode createApp}. Only this file (and the `scripts/` entry points that
 * call {@linkcode start}) touches `Deno.env`, `Deno.openKv`, the real clock and
 * the global `fetch`.
 *
 * @module
 */
import type { Hono } from "hono";
import {
  type Config,
  ConfigError,
  type Env,
  loadConfig,
  startupWarnings,
} from "./config.ts";
import { type Log, stdioLog } from "./lib/log.ts";
import { Keyring } from "./auth/seal.ts";
import { createApp } from "./app/mod.ts";
import { MAX_LOGO_BYTES, sniffImage } from "./lib/brand.ts";

/** Options for {@linkcode start}. */
export interface StartOptions {
  /** Printed once the server listens (the dev script prints its setup here). */
  onListen?: (origin: string) => void;
  /** See `Deps.devGeneratedSecret`; only scripts/dev.ts sets it. */
  devGeneratedSecret?: boolean;
}

/**
 * Parses `env`, opens KV and serves until the process ends. No key is
 * derived here: each is derived on its first use, in microseconds.
 * A configuration problem prints one line and exits with status 1.
 */
export async function start(
  env: Env,
  options: StartOptions = {},
): Promise<Deno.HttpServer> {
  // Lines are written in batches, off the request path; every exit path
  // writes what is waiting (the signal handlers below, fatal, unload).
  const output = stdioLog(Date.now);
  const log: Log = output.log;
  let config: Config;
  try {
    env = await withLogoFile(await withAllowlistFile(env));
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.all) {
      // deno-lint-ignore no-console
      console.error(`configuration error: ${problem.message}`);
    }
    Deno.exit(1);
  }
  for (const warning of startupWarnings(config)) {
    log("warn", "configuration", { warning });
  }
  const fatal = (variable: string, problem: string): never => {
    output.flushSync();
    // deno-lint-ignore no-console
    console.error(`configuration error: ${variable}: ${problem}`);
    Deno.exit(1);
  };
  const unwritable = kvPathNotPermitted(config.kvPath);
  if (unwritable) {
    // Asked before opening: Deno would otherwise prompt for the permission
    // (offering to allow all writes), or advise a wider --allow-write.
    fatal(
      "KV_PATH",
      `"${config.kvPath}" is outside the files this task may ${unwritable}; put it under .local/ for deno task dev, or unset it for the default`,
    );
  }
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(config.kvPath);
  } catch (err) {
    return fatal(
      "KV_PATH",
      `${
        config.kvPath
          ? `"${config.kvPath}" cannot be opened`
          : "KV cannot be opened"
      } (${
        err instanceof Error ? err.message : String(err)
      }); use a writable file path, or unset it for the default`,
    );
  }
  const keyring = new Keyring(config.sealKeys);
  let app: Hono | undefined;
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      port: config.port,
      hostname: config.hostname,
      // Runs once bound, before any request is read.
      onListen({ hostname, port }) {
        // PORT=0 takes any free port; the default PUBLIC_URL names the one taken.
        if (config.port === 0) {
          config = loadConfig({ ...env, PORT: String(port) });
        }
        app = createApp({
          config,
          kv,
          now: Date.now,
          fetch: globalThis.fetch.bind(globalThis),
          log,
          keyring,
          devGeneratedSecret: options.devGeneratedSecret,
        });
        log("info", "listening", {
          address: `${hostname}:${port}`,
          publicUrl: config.publicUrl,
        });
        options.onListen?.(config.publicUrl);
      },
    }, (request, info) => app!.fetch(request, info));
  } catch (err) {
    kv.close();
    if (err instanceof Deno.errors.AddrInUse) {
      return fatal(
        "PORT",
        `${config.port} is already in use on ${config.hostname} (another server, or another deno task dev or start); stop it, or choose a free port, e.g. PORT=${
          config.port === 65535 ? 8001 : config.port + 1
        }`,
      );
    }
    if (err instanceof Deno.errors.PermissionDenied) {
      return fatal(
        "PORT",
        `${config.port} may not be opened by this user (ports below 1024 need privileges); use a port above 1023, e.g. PORT=8000, behind a proxy`,
      );
    }
    throw err;
  }

  // Graceful shutdown: stop accepting, let in-flight requests finish, exit.
  let stopping = false;
  const stop = (signal: Deno.Signal) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { signal });
    server.shutdown().finally(async () => {
      kv.close();
      log("info", "stopped");
      await output.close();
      Deno.exit(0);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => stop(signal));
  }
  return server;
}

/**
 * Whether this process lacks the permission to read or write a KV file at
 * `path` (`deno task dev` may write under `.local/` only): the missing one,
 * or `null`. Queried, never requested: a request would prompt.
 */
function kvPathNotPermitted(
  path: string | undefined,
): "read" | "write" | null {
  if (path === undefined || path === ":memory:" || /^https?:/.test(path)) {
    return null;
  }
  for (const name of ["read", "write"] as const) {
    if (Deno.permissions.querySync({ name, path }).state !== "granted") {
      return name;
    }
  }
  return null;
}

/**
 * Reads `IP_ALLOWLIST_FILE` (CIDR lines, or the JSON OpenAI publishes) into
 * `IP_ALLOWLIST`, so configuration itself stays a pure function of strings.
 */
async function withAllowlistFile(env: Env): Promise<Env> {
  const path = env.IP_ALLOWLIST_FILE?.trim();
  if (!path) return env;
  if (env.IP_ALLOWLIST?.trim()) {
    throw new ConfigError(
      "IP_ALLOWLIST_FILE",
      "set either IP_ALLOWLIST or IP_ALLOWLIST_FILE, not both",
    );
  }
  try {
    return { ...env, IP_ALLOWLIST: await Deno.readTextFile(path) };
  } catch (err) {
    throw new ConfigError(
      "IP_ALLOWLIST_FILE",
      `cannot read "${path}" (${
        err instanceof Error ? err.name : "error"
      }); give a readable file of CIDR ranges or OpenAI's published JSON`,
    );
  }
}

/**
 * Reads a `BRAND_LOGO` file (a path, not a `data:` URL) once, into the data
 * URL that configuration checks: the size before reading, the type by its
 * first bytes. No request reads the file.
 */
async function withLogoFile(env: Env): Promise<Env> {
  const path = env.BRAND_LOGO?.trim();
  if (!path || /^data:/i.test(path)) return env;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const { size, isFile } = await Deno.stat(path);
    if (!isFile) throw new Deno.errors.NotFound();
    if (size > MAX_LOGO_BYTES) {
      throw new ConfigError(
        "BRAND_LOGO",
        `"${path}" is ${size} bytes; a logo may be at most ${MAX_LOGO_BYTES} bytes (${
          MAX_LOGO_BYTES / 1024
        } KiB): shrink or simplify it`,
      );
    }
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      "BRAND_LOGO",
      `cannot read "${path}" (${
        err instanceof Error ? err.name : "error"
      }); give a readable PNG, SVG, WebP or JPEG file shipped with the service`,
    );
  }
  const type = sniffImage(bytes);
  if (type === null) {
    throw new ConfigError(
      "BRAND_LOGO",
      `"${path}" is not a PNG, SVG, WebP or JPEG image (checked by its first bytes)`,
    );
  }
  return { ...env, BRAND_LOGO: `data:${type};base64,${bytes.toBase64()}` };
}

if (import.meta.main) {
  await start(Deno.env.toObject());
}

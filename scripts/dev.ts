/**
 * `deno task dev`: runs the service locally with no variables at all.
 *
 * The first run creates local secrets in `.local/dev.json` (ignored by git)
 * and reuses them afterwards, so tokens survive restarts. The development
 * sign-in is on, KV lives in `.local/dev.kv`, and the server listens on
 * 127.0.0.1 only: anyone who reaches it can sign in as anyone. Any variable
 * set in the environment wins over these defaults (`LISTEN_HOST=0.0.0.0`
 * opens it to the network).
 */
import { start } from "../main.ts";
import { dateKid, randomSecret } from "./_secrets.ts";

const DIR = ".local";
const FILE = `${DIR}/dev.json`;

async function localSecrets(): Promise<Record<string, string>> {
  try {
    return JSON.parse(await Deno.readTextFile(FILE));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const secrets = {
    SEAL_KEYS: `${dateKid(new Date())}:${randomSecret()}`,
    OAUTH_CLIENT_ID: "words-gpt-dev",
    OAUTH_CLIENT_SECRET: randomSecret(),
  };
  await Deno.mkdir(DIR, { recursive: true });
  await Deno.writeTextFile(FILE, JSON.stringify(secrets, null, 2) + "\n", {
    mode: 0o600,
  });
  return secrets;
}

const secrets = await localSecrets();
const env: Record<string, string | undefined> = {
  DEV_LOGIN: "1",
  KV_PATH: `${DIR}/dev.kv`,
  LISTEN_HOST: "127.0.0.1",
  ...secrets,
  ...Deno.env.toObject(),
};

await start(env, {
  // The setup guide may show the secret (to this machine only) when it is
  // the one generated here, not one given in the environment.
  devGeneratedSecret: env.OAUTH_CLIENT_SECRET === secrets.OAUTH_CLIENT_SECRET,
  onListen(origin) {
    // deno-lint-ignore no-console
    console.log(`
Words with Chat is running at ${origin} (development mode; secrets in ${FILE})
Listening on ${env.LISTEN_HOST} (LISTEN_HOST; 127.0.0.1 = this machine only)

GPT builder → Actions → Authentication → OAuth:
  Client ID               ${env.OAUTH_CLIENT_ID}
  Client Secret           ${env.OAUTH_CLIENT_SECRET}
  Authorization URL       ${origin}/oauth/authorize
  Token URL               ${origin}/oauth/token
  Scope                   game
  Token Exchange Method   Default (POST request)

Setup guide (these values, with copy buttons):  ${origin}/
Play as players do:                             ${origin}/play
MCP server (ChatGPT apps, Claude, the MCP Inspector): ${origin}/mcp
Try the whole product without a GPT:            ${origin}/playground
Sign in from a script, no provider account: this prints the ChatGPT callback
URL with ?code=…, ready to exchange at the Token URL (two hops, one cookie):
  curl -s -b /tmp/wwc.jar -o /dev/null -w '%{redirect_url}\\n' "$(curl -s -c /tmp/wwc.jar -o /dev/null -w '%{redirect_url}' '${origin}/oauth/authorize?response_type=code&client_id=${env.OAUTH_CLIENT_ID}&redirect_uri=${
      encodeURIComponent("https://chatgpt.com/aip/g-local/oauth/callback")
    }&state=s1&provider=dev&login_hint=alice')"
`);
  },
});

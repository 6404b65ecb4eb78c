/**
 * The development provider: signs in as `dev:<name>` with no account
 * anywhere. It exists only when `DEV_LOGIN=1`, which configuration refuses on
 * Deno Deploy. With a `login_hint` it goes straight to its own callback, so a
 * script can drive the whole flow (a hint it cannot use comes back to the
 * client as `access_denied` saying what is allowed); without one it shows a
 * small form. Names are taken in any case and kept in lower case, so `Dana`
 * signs in as `dev:dana`; an address such as `alice@example.com` works too.
 *
 * @module
 */
import type { ProviderResult, UpstreamProvider } from "./types.ts";

/** Names the development provider accepts, once lower-cased. */
export const DEV_NAME = /^[a-z0-9][a-z0-9._@+-]{0,63}$/;

/** What a person is told a name may be. */
export const DEV_NAME_RULE =
  "1–64 letters, digits, '.', '_', '-', '+' or '@', starting with a letter or digit (an address such as alice@example.com works)";

/** Creates the development provider for the service at `publicUrl`. */
export function devProvider(publicUrl: string): UpstreamProvider {
  return {
    id: "dev",
    name: "Development sign-in",
    userPrefix: "dev",
    start({ state, callbackUrl, loginHint }) {
      const hint = loginHint?.trim();
      const url = hint
        ? new URL(callbackUrl)
        : new URL("/login/dev/form", publicUrl);
      url.searchParams.set("state", state);
      if (hint) url.searchParams.set("login", hint);
      return Promise.resolve({ url: url.href });
    },
    finish({ params }): Promise<ProviderResult> {
      const name = params.get("login")?.trim().toLowerCase() ?? "";
      if (!DEV_NAME.test(name)) {
        return Promise.resolve({
          ok: false,
          error: "access_denied",
          message:
            `That name cannot be used for the development sign-in: use ${DEV_NAME_RULE}.`,
          reason: "development sign-in with an invalid name",
        });
      }
      return Promise.resolve({ ok: true, subject: name });
    },
  };
}

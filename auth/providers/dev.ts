/**
 * The development provider: signs in as `dev:<name>` with no account
 * anywhere. It exists only when `DEV_LOGIN=1`, which configuration refuses on
 * Deno Deploy. With a `login_hint` it goes straight to its own callback, so a
 * script can drive the whole flow; without one it shows a small form.
 *
 * @module
 */
import type { ProviderResult, UpstreamProvider } from "./types.ts";

/** Names the development provider accepts. */
export const DEV_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Creates the development provider for the service at `publicUrl`. */
export function devProvider(publicUrl: string): UpstreamProvider {
  return {
    id: "dev",
    name: "Development sign-in",
    userPrefix: "dev",
    start({ state, callbackUrl, loginHint }) {
      const hint = loginHint?.trim().toLowerCase();
      const url = hint && DEV_NAME.test(hint)
        ? new URL(callbackUrl)
        : new URL("/login/dev", publicUrl);
      url.searchParams.set("state", state);
      if (hint && DEV_NAME.test(hint)) url.searchParams.set("login", hint);
      return Promise.resolve({ url: url.href });
    },
    finish({ params }): Promise<ProviderResult> {
      const name = params.get("login")?.trim().toLowerCase() ?? "";
      if (!DEV_NAME.test(name)) {
        return Promise.resolve({
          ok: false,
          error: "access_denied",
          message:
            "That name cannot be used: use 1–32 lowercase letters, digits, '.', '_' or '-'.",
          reason: "development sign-in with an invalid name",
        });
      }
      return Promise.resolve({ ok: true, subject: name });
    },
  };
}

import { DEV_NAME_RULE } from "../auth/providers/dev.ts";
import { Layout } from "./layout.tsx";
import { useBrand } from "./brand.ts";
import { ProviderButtons } from "./provider_buttons.tsx";

/**
 * The consent and provider-choice page. Its referrer policy is
 * `same-origin`, not `no-referrer`: browsers then send our own origin with
 * the Cancel form (instead of `Origin: null`), which the cancel route checks;
 * other sites still get no referrer.
 */
export function ConsentPage(props: {
  clientName: string;
  redirectHost: string;
  /** The name is self-declared by a registered client: say so. */
  unverified?: boolean;
  /** The host publishing the client's metadata document, if it has one. */
  publishedBy?: string;
  abilities: string[];
  providers: { id: string; name: string }[];
  /** The token the provider buttons carry (see `/login/<provider>/start`). */
  consent: string;
  /** The operator collects verified email addresses (`COLLECT_EMAIL=1`). */
  collectEmail?: boolean;
}) {
  const { brand } = useBrand();
  return (
    <Layout title={`Sign in to ${props.clientName}`} referrer="same-origin">
      <div class="card">
        <h1>Sign in to continue to {props.clientName}</h1>
        <p>
          You are signing in to {brand.name} for{" "}
          <strong>{props.clientName}</strong>, which will be able to:
        </p>
        {props.unverified && (
          <p class="muted">
            This application named itself; {brand.name}{" "}
            has not verified who makes it.{" "}
            {props.publishedBy !== undefined && (
              <>
                Its description is published by{" "}
                <strong>{props.publishedBy}</strong>.{" "}
              </>
            )}
            Continue only if you started this sign-in.
          </p>
        )}
        <ul>
          {props.abilities.map((a) => <li>{a}</li>)}
        </ul>
        <p class="muted">
          It will not see your password or email. You will return to{" "}
          <strong>{props.redirectHost}</strong>.
        </p>
        {props.collectEmail && (
          <p class="muted" id="consent-email">
            {brand.name}{" "}
            keeps the email address your sign-in provider confirms as verified,
            so the people who run it can reach you; see{" "}
            <a href="/privacy">Privacy</a>.
          </p>
        )}
        <div class="buttons">
          <ProviderButtons
            providers={props.providers}
            hrefOf={(p) =>
              `/login/${p.id}/start?consent=${
                encodeURIComponent(props.consent)
              }`}
          />
          {/* A POST, so that no other site can cancel by linking here. */}
          <form method="post" action="/oauth/authorize/cancel">
            <button type="submit" class="button">Cancel</button>
          </form>
        </div>
        {props.providers.length === 0
          ? (
            <p class="muted">
              No sign-in provider is configured on this server yet.
            </p>
          )
          : null}
      </div>
    </Layout>
  );
}

/** The development provider's form: a name, nothing else. */
export function DevLoginPage(props: { state: string; action: string }) {
  return (
    <Layout title="Development sign-in">
      <div class="card">
        <h1>Development sign-in</h1>
        <p class="muted">
          Local testing only: choose any name and you are signed in as{" "}
          <code>dev:&lt;name&gt;</code> in lower case ({DEV_NAME_RULE}).
        </p>
        <form method="get" action={props.action}>
          <input type="hidden" name="state" value={props.state} />
          <label for="login">Name</label>
          <input
            type="text"
            id="login"
            name="login"
            required
            autocomplete="username"
            autofocus
            autocapitalize="off"
            autocorrect="off"
            spellcheck={false}
            pattern="[A-Za-z0-9][A-Za-z0-9._@+\-]{0,63}"
            title={DEV_NAME_RULE}
          />
          <div class="buttons">
            <button type="submit" class="primary">Sign in</button>
          </div>
        </form>
      </div>
    </Layout>
  );
}

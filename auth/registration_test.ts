import assert from "node:assert/strict";
import { keyring } from "../tests/_keys.ts";
import {
  authenticateClient,
  hashSecret,
  presentedClientId,
} from "./clients.ts";
import { OAuthError } from "./oauth_error.ts";
import {
  register,
  registeredClient,
  validateRegistration,
  withRegistered,
} from "./registration.ts";
import { Tokens } from "./tokens.ts";

const tokens = new Tokens(keyring, () => Date.UTC(2026, 10, 23));
const URIS = ["https://app.example/cb"];

function basic(id: string, secret: string): string {
  return "Basic " + btoa(`${id}:${secret}`);
}

Deno.test("validateRegistration() defaults token_endpoint_auth_method to client_secret_basic (RFC 7591 §2)", () => {
  assert.equal(
    validateRegistration({ redirect_uris: URIS }).token_endpoint_auth_method,
    "client_secret_basic",
  );
  for (const method of ["none", "client_secret_post", "client_secret_basic"]) {
    assert.equal(
      validateRegistration({
        redirect_uris: URIS,
        token_endpoint_auth_method: method,
      }).token_endpoint_auth_method,
      method,
    );
  }
});

Deno.test("register() seals only the secret's hash and the method; a public client's id carries neither", async () => {
  const confidential = await register(
    tokens,
    validateRegistration({
      redirect_uris: URIS,
      token_endpoint_auth_method: "client_secret_post",
    }),
  );
  const secret = confidential.clientSecret!;
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  const opened = await tokens.open("client", confidential.clientId);
  assert.ok(opened.ok);
  assert.equal(opened.claims.secret_sha256, hashSecret(secret));
  assert.equal(opened.claims.token_endpoint_auth_method, "client_secret_post");
  assert.ok(!JSON.stringify(opened.claims).includes(secret));
  assert.equal(confidential.expiresAt - confidential.issuedAt, 365 * 86_400);

  const pub = await register(
    tokens,
    validateRegistration({
      redirect_uris: URIS,
      token_endpoint_auth_method: "none",
    }),
  );
  assert.equal(pub.clientSecret, undefined);
  const openedPublic = await tokens.open("client", pub.clientId);
  assert.ok(openedPublic.ok);
  assert.equal(openedPublic.claims.secret_sha256, undefined);
  assert.equal(openedPublic.claims.token_endpoint_auth_method, undefined);
  const client = registeredClient(pub.clientId, openedPublic.claims);
  assert.equal(client.authMethod, "none");
  assert.equal(client.secret, null, "PKCE required");
});

Deno.test("presentedClientId() reads the body's client_id, else the one in HTTP Basic", () => {
  assert.equal(
    presentedClientId({
      authorization: basic("basic-id", "s"),
      bodyId: undefined,
      bodySecret: undefined,
    }),
    "basic-id",
  );
  assert.equal(
    presentedClientId({
      authorization: undefined,
      bodyId: "body-id",
      bodySecret: undefined,
    }),
    "body-id",
  );
  assert.equal(
    presentedClientId({
      authorization: "Basic !!",
      bodyId: undefined,
      bodySecret: undefined,
    }),
    undefined,
  );
});

Deno.test("authenticateClient() holds a registered client to its method: each method against each way of sending the secret", async () => {
  const secretOf = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const method of ["none", "client_secret_post", "client_secret_basic"]) {
    const registered = await register(
      tokens,
      validateRegistration({
        redirect_uris: URIS,
        token_endpoint_auth_method: method,
      }),
    );
    ids.set(method, registered.clientId);
    secretOf.set(method, registered.clientSecret ?? "");
  }
  const ways = {
    none: (id: string) => ({
      authorization: undefined,
      bodyId: id,
      bodySecret: undefined,
    }),
    client_secret_post: (id: string, secret: string) => ({
      authorization: undefined,
      bodyId: id,
      bodySecret: secret,
    }),
    client_secret_basic: (id: string, secret: string) => ({
      authorization: basic(id, secret),
      bodyId: undefined,
      bodySecret: undefined,
    }),
  };
  for (const [method, id] of ids) {
    const clients = await withRegistered(tokens, [], id);
    for (const [way, presented] of Object.entries(ways)) {
      const attempt = () =>
        authenticateClient(clients, presented(id, secretOf.get(method)!));
      if (way === method) {
        assert.equal(attempt().client.id, id, `${method} by ${way}`);
      } else {
        assert.throws(
          attempt,
          (e) => e instanceof OAuthError && e.code === "invalid_client",
          `${method} by ${way}`,
        );
      }
    }
  }
});

/**
 * `/admin`, the members view for the operators `ADMIN_USERS` names.
 *
 * Sign-in: like `/play`, as a built-in public client of this server
 * (`admin`, PKCE, one redirect `${PUBLIC_URL}/admin/callback`, the code
 * exchanged here), so operators sign in through the same providers as
 * everyone. The tokens of that exchange are not kept: their family is
 * revoked at once, and the operator gets a session of its own instead, a
 * sealed `admin` token (one hour) in an HttpOnly, SameSite=Strict cookie
 * (`__Host-` and Secure over https).
 *
 * Every request re-checks the session's user against `ADMIN_USERS`, so
 * removing someone takes effect at once. The one form (sign out) carries
 * the session's own random CSRF value and must come from our origin. Every
 * page view is logged with the operator's user id and the page.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ADMIN_CLIENT_ID, type Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import { PlayClient } from "../../auth/play_client.ts";
import type { AuthorizationServer } from "../../auth/grants.ts";
import { constantTimeEqual } from "../../auth/compare.ts";
import {
  type AdminClaims,
  LIFETIME,
  randomId,
  type Tokens,
} from "../../auth/tokens.ts";
import type { UpstreamProvider } from "../../auth/providers/types.ts";
import type { MemberRow, Members } from "../../account/members.ts";
import type { Game } from "../../game/game.ts";
import { ErrorPage } from "../../views/layout.tsx";
import {
  AdminContinuePage,
  AdminSignInPage,
  MembersPage,
  type MemberView,
} from "../../views/admin.tsx";
import { CSV_HEADER, csvRow } from "../../views/members_csv.ts";
import { renderPage } from "./_page.ts";
import { type PageCookies, pageCookies, pageSignInRoutes } from "./play.tsx";
import type { Plans } from "../../billing/plans.ts";
import type { RevocationStore } from "../../auth/revocation.ts";

/** Members per page of the view. */
export const MEMBERS_PER_PAGE = 100;

/**
 * The plan a member is on when no billing record says otherwise: until a
 * player has paid (see billing/plans.ts), they are free.
 */
export const DEFAULT_PLAN = "free";

/** The cookies of `/admin`: its session, and a sign-in in progress. */
export function adminCookies(publicUrl: string): PageCookies {
  return pageCookies(publicUrl, "admin");
}

/** What `/admin` needs. */
export interface AdminDeps {
  config: Config;
  server: AuthorizationServer;
  tokens: Tokens;
  providers: ReadonlyMap<string, UpstreamProvider>;
  members: Members;
  /** Whose sign-out record moved since their session began. */
  store: RevocationStore;
  game: Game;
  /** The players' plans (billing); a player without a record is free. */
  plans: Plans;
  log: Log;
}

/** The members, joined with their game data and plan. */
async function describe(
  rows: [string, MemberRow][],
  game: Game,
  plans: Plans,
): Promise<MemberView[]> {
  return await Promise.all(rows.map(async ([sub, row]) => {
    const [nickname, score, plan] = await Promise.all([
      game.displayName(sub),
      game.score(sub),
      plans.get(sub),
    ]);
    return {
      sub,
      provider: row.provider,
      nickname: nickname ?? "",
      firstSeen: row.first_seen,
      lastActive: row.last_active,
      score,
      plan: plan?.plan ?? DEFAULT_PLAN,
      email: row.email ?? "",
    };
  }));
}

/** Builds `/admin` and its sign-in, export and sign-out. */
export function adminRoutes(deps: AdminDeps): Hono {
  const {
    config,
    server,
    tokens,
    providers,
    members,
    store,
    game,
    plans,
    log,
  } = deps;
  const app = new Hono();
  const cookies = adminCookies(config.publicUrl);
  const admins = new Set(config.adminUsers);
  const client = new PlayClient(config.publicUrl, server, {
    id: ADMIN_CLIENT_ID,
    callbackPath: "/admin/callback",
  });

  const refuse = (c: Context, sub: string) => {
    log("warn", "admin refused", { sub, page: c.req.path });
    return renderPage(
      c,
      <ErrorPage
        title="Not an operator"
        message={`You are signed in as ${sub}, which is not allowed to see the members.`}
        next="An operator adds user ids to ADMIN_USERS."
      />,
      { status: 403 },
    );
  };

  /** The session of this request, if any (`null`: not signed in). */
  async function session(c: Context): Promise<AdminClaims | null> {
    const opened = await tokens.open("admin", getCookie(c, cookies.session));
    if (!opened.ok) return null;
    // Signed out everywhere, erased or revoked at the provider since: over.
    const rv = await store.revocationVersion(opened.claims.sub);
    return rv === opened.claims.rv ? opened.claims : null;
  }

  app.use("/admin/*", async (c, next) => {
    // Nothing here belongs in a cache: the pages name people.
    await next();
    c.header("Cache-Control", "no-store");
  });
  app.use("/admin", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });

  if (admins.size === 0) {
    // No operator configured: the members view does not exist.
    return app;
  }

  app.get("/admin", async (c) => {
    const claims = await session(c);
    if (!claims) {
      return renderPage(
        c,
        <AdminSignInPage
          providers={[...providers.values()].map(({ id, name }) => ({
            id,
            name,
          }))}
        />,
      );
    }
    if (!admins.has(claims.sub)) return refuse(c, claims.sub);
    const cursor = c.req.query("cursor") || undefined;
    log("info", "admin page view", {
      sub: claims.sub,
      page: cursor ? "/admin (next page)" : "/admin",
    });
    let page;
    try {
      page = await members.page(MEMBERS_PER_PAGE, cursor);
    } catch (err) {
      // A cursor that is not one of ours: back to the first page (which
      // answers 503 itself if storage is what failed).
      if (cursor === undefined) throw err;
      return c.redirect("/admin", 303);
    }
    const [view, totals, days] = await Promise.all([
      describe(page.rows, game, plans),
      members.totals(),
      members.days(30),
    ]);
    return renderPage(
      c,
      <MembersPage
        sub={claims.sub}
        csrf={claims.csrf}
        members={view}
        totals={totals}
        days={days}
        next={page.cursor}
        paged={cursor !== undefined}
        pageSize={MEMBERS_PER_PAGE}
        collectEmail={config.collectEmail}
      />,
      { referrer: "same-origin" },
    );
  });

  app.get("/admin/members.csv", async (c) => {
    const claims = await session(c);
    if (!claims) return c.redirect("/admin", 303);
    if (!admins.has(claims.sub)) return refuse(c, claims.sub);
    log("info", "admin page view", {
      sub: claims.sub,
      page: "/admin/members.csv",
    });
    let csv = CSV_HEADER;
    let batch: [string, MemberRow][] = [];
    const flush = async () => {
      for (const m of await describe(batch, game, plans)) csv += csvRow(m);
      batch = [];
    };
    for await (const row of members.all()) {
      batch.push(row);
      if (batch.length === 50) await flush();
    }
    await flush();
    const day = new Date().toISOString().slice(0, 10);
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header(
      "Content-Disposition",
      `attachment; filename="members-${day}.csv"`,
    );
    c.header("X-Content-Type-Options", "nosniff");
    return c.body(csv);
  });

  app.route(
    "/",
    pageSignInRoutes({
      path: "/admin",
      name: "admin",
      backTo: "/admin",
      client,
      providers,
      pending: { name: cookies.pending, secure: cookies.secure },
      log,
      async signedIn(c, issued) {
        // Who signed in; the tokens themselves are not needed past this point.
        const opened = await tokens.open("access", issued.access_token);
        await client.signOut(issued.refresh_token);
        if (!opened.ok) throw new Error("a token we just issued did not open");
        const sub = opened.claims.sub;
        if (!admins.has(sub)) return refuse(c, sub);
        const { token } = await tokens.seal("admin", {
          sub,
          csrf: randomId(),
          rv: await store.revocationVersion(sub),
        });
        setCookie(c, cookies.session, token, {
          path: "/",
          httpOnly: true,
          secure: cookies.secure,
          sameSite: "Strict",
          maxAge: LIFETIME.admin,
        });
        log("info", "admin signed in", { sub });
        return renderPage(c, <AdminContinuePage />);
      },
    }),
  );

  app.post("/admin/signout", async (c) => {
    const claims = await session(c);
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const form = await c.req.parseBody().catch(() => ({}));
    const csrf = (form as Record<string, unknown>)["csrf"];
    const fromUs = origin === config.publicUrl &&
      (site ?? "same-origin") === "same-origin";
    if (
      !claims || !fromUs || typeof csrf !== "string" ||
      !constantTimeEqual(csrf, claims.csrf)
    ) {
      log("warn", "admin form refused", {
        signedIn: claims !== null,
        origin: (origin ?? "(none)").slice(0, 100),
      });
      return renderPage(
        c,
        <ErrorPage
          title="Not accepted"
          message="This form did not come from your members page, so nothing was done."
          next="Open /admin and try again."
        />,
        { status: 403 },
      );
    }
    deleteCookie(c, cookies.session, { path: "/", secure: cookies.secure });
    log("info", "admin signed out", { sub: claims.sub });
    return c.redirect("/admin", 303);
  });

  return app;
}

/**
 * `/admin`, the members view for operators: the sign-in, the members with
 * their totals and a 30-day chart drawn here as SVG (presentation
 * attributes only, no script, no style attribute: the pages' CSP holds).
 *
 * @module
 */
import { Layout } from "./layout.tsx";
import { ProviderButtons, type ProviderChoice } from "./provider_buttons.tsx";
import type { DayCount } from "../account/members.ts";

/** One member as the view and the export show them. */
export interface MemberView {
  sub: string;
  provider: string;
  nickname: string;
  firstSeen: number;
  lastActive: number;
  score: number;
  plan: string;
  email: string;
}

/** A time as the view shows it: UTC, to the minute. */
export function shownTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The way in: the providers' buttons, leading through `/admin/login`. */
export function AdminSignInPage(props: { providers: ProviderChoice[] }) {
  return (
    <Layout title="Members">
      <div class="card">
        <h1>Members</h1>
        <p>Sign in as an operator of this service to see its members.</p>
        <div class="buttons">
          <ProviderButtons
            providers={props.providers}
            hrefOf={(p) => `/admin/login?provider=${encodeURIComponent(p.id)}`}
          />
        </div>
      </div>
    </Layout>
  );
}

/**
 * Shown after the sign-in, instead of a redirect: the session cookie is
 * SameSite=Strict, and a redirect at the end of a sign-in that passed
 * through the provider's site would arrive without it. A link followed from
 * this page of ours carries it.
 */
export function AdminContinuePage() {
  return (
    <Layout title="Signed in">
      <div class="card">
        <h1>Signed in</h1>
        <p>
          <a class="button primary" id="admin-continue" href="/admin">
            Continue to the members
          </a>
        </p>
      </div>
    </Layout>
  );
}

/**
 * The members page. Its referrer policy is `same-origin`: with
 * `no-referrer`, browsers send `Origin: null` with its form, which the
 * sign-out's origin check would refuse.
 */
export function MembersPage(props: {
  sub: string;
  csrf: string;
  members: MemberView[];
  totals: { members: number; withEmail: number };
  days: DayCount[];
  /** The next page's cursor, or `null` on the last page. */
  next: string | null;
  /** This is not the first page. */
  paged: boolean;
  pageSize: number;
  collectEmail: boolean;
}) {
  const { days } = props;
  const newIn30 = days.reduce((n, d) => n + d.new, 0);
  const activeToday = days[days.length - 1]?.active ?? 0;
  return (
    <Layout title="Members" wide referrer="same-origin">
      <div class="card admin">
        <h1>Members</h1>
        <p class="muted">
          Signed in as <code>{props.sub}</code>.
        </p>
        <form method="post" action="/admin/signout" class="buttons">
          <input type="hidden" name="csrf" value={props.csrf} />
          <a class="button" href="/admin/members.csv" download>
            Export all members (CSV)
          </a>
          <button type="submit" class="button">Sign out</button>
        </form>
        <ul class="admin-totals">
          <li>
            <strong id="total-members">{props.totals.members}</strong> members
          </li>
          <li>
            <strong>{newIn30}</strong> new in the last 30 days
          </li>
          <li>
            <strong>{activeToday}</strong> active today (UTC)
          </li>
          {props.collectEmail || props.totals.withEmail > 0
            ? (
              <li>
                <strong>{props.totals.withEmail}</strong> with an email
              </li>
            )
            : null}
        </ul>
        <h2>The last 30 days</h2>
        <DaysChart days={days} />
        <h2>Members</h2>
        <p class="muted">
          {props.pageSize} per page, in user-id order.
        </p>
        <div class="table-wrap">
          <table id="members">
            <thead>
              <tr>
                <th scope="col">User id</th>
                <th scope="col">Provider</th>
                <th scope="col">Nickname</th>
                <th scope="col">First seen</th>
                <th scope="col">Last active</th>
                <th scope="col">Score</th>
                <th scope="col">Plan</th>
                <th scope="col">Email</th>
              </tr>
            </thead>
            <tbody>
              {props.members.map((m) => (
                <tr>
                  <td>
                    <code>{m.sub}</code>
                  </td>
                  <td>{m.provider}</td>
                  <td>{m.nickname}</td>
                  <td>{shownTime(m.firstSeen)}</td>
                  <td>{shownTime(m.lastActive)}</td>
                  <td>{m.score}</td>
                  <td>{m.plan}</td>
                  <td>{m.email}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {props.members.length === 0
          ? <p class="muted">No members on this page.</p>
          : null}
        <p class="buttons">
          {props.paged ? <a href="/admin">First page</a> : null}
          {props.next !== null
            ? (
              <a href={`/admin?cursor=${encodeURIComponent(props.next)}`}>
                Next {props.pageSize}
              </a>
            )
            : null}
        </p>
      </div>
    </Layout>
  );
}

const NEW_FILL = "#2da44e";
const ACTIVE_FILL = "#0b6bcb";

/**
 * New members and active players per day, as paired bars with the largest
 * count on the scale. Each bar has a `<title>` (a tooltip, and text for
 * screen readers); the whole chart is summed up in its label.
 */
export function DaysChart(props: { days: DayCount[] }) {
  const { days } = props;
  const width = 720;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const plot = height - bottom - top;
  const max = Math.max(1, ...days.map((d) => Math.max(d.new, d.active)));
  const slot = (width - left) / Math.max(1, days.length);
  const bar = Math.max(1, slot / 2 - 1);
  const y = (n: number) => top + plot - (n / max) * plot;
  const first = days[0]?.day ?? "";
  const last = days[days.length - 1]?.day ?? "";
  const total = (kind: "new" | "active") =>
    days.reduce((n, d) => n + d[kind], 0);
  return (
    <figure class="admin-chart">
      <svg
        id="members-chart"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`New members and active players per day from ${first} to ${last}: ${
          total("new")
        } new, ${total("active")} player-days active`}
      >
        <line
          x1={left}
          y1={top + plot}
          x2={width}
          y2={top + plot}
          stroke="currentColor"
          stroke-width="1"
        />
        <line
          x1={left}
          y1={top}
          x2={left}
          y2={top + plot}
          stroke="currentColor"
          stroke-width="1"
        />
        <text
          x={left - 6}
          y={top + 10}
          text-anchor="end"
          font-size="12"
          fill="currentColor"
        >
          {max}
        </text>
        <text
          x={left - 6}
          y={top + plot}
          text-anchor="end"
          font-size="12"
          fill="currentColor"
        >
          0
        </text>
        {days.map((d, i) => {
          const x = left + i * slot + 1;
          return (
            <g>
              <rect
                class="bar-active"
                x={x}
                y={y(d.active)}
                width={bar}
                height={top + plot - y(d.active)}
                fill={ACTIVE_FILL}
              >
                <title>{`${d.day}: ${d.active} active`}</title>
              </rect>
              <rect
                class="bar-new"
                x={x + bar}
                y={y(d.new)}
                width={bar}
                height={top + plot - y(d.new)}
                fill={NEW_FILL}
              >
                <title>{`${d.day}: ${d.new} new`}</title>
              </rect>
            </g>
          );
        })}
        <text x={left} y={height - 8} font-size="12" fill="currentColor">
          {first}
        </text>
        <text
          x={width}
          y={height - 8}
          text-anchor="end"
          font-size="12"
          fill="currentColor"
        >
          {last}
        </text>
      </svg>
      <figcaption class="muted">
        <svg width="12" height="12" aria-hidden="true">
          <rect width="12" height="12" fill={ACTIVE_FILL} />
        </svg>{" "}
        active players{" "}
        <svg width="12" height="12" aria-hidden="true">
          <rect width="12" height="12" fill={NEW_FILL} />
        </svg>{" "}
        new members, per UTC day
      </figcaption>
    </figure>
  );
}

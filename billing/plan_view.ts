/**
 * What a player is told about their plan, the same through the REST API
 * (`GET /api/plan`) and the MCP tools (`my_plan`).
 *
 * @module
 */
import type { Game } from "../game/game.ts";
import type { Billing, LinkOwner } from "./billing.ts";
import { isPro, type PlanName, type Plans } from "./plans.ts";

/** A player's plan as answered. */
export interface PlanView {
  plan: PlanName;
  /** Rounds the free plan may start per UTC day; 0 = unlimited. */
  free_rounds_per_day: number;
  /** Rounds this player can still start today; `null` when unlimited. */
  free_rounds_left: number | null;
  /** Free players, with billing on: the link to pay. */
  upgrade_url?: string;
  /** Pro players: the link to Stripe's customer portal. */
  portal_url?: string;
}

/** The plan of `owner`, with the link that fits it. */
export async function planView(
  parts: { plans: Plans; game: Game; billing: Billing | null },
  owner: LinkOwner,
): Promise<PlanView> {
  const { plans, game, billing } = parts;
  const [record, left] = await Promise.all([
    plans.get(owner.sub),
    game.freeRoundsLeft(owner.sub),
  ]);
  const pro = isPro(record);
  const link = billing === null
    ? {}
    : pro
    ? record?.customer ? { portal_url: await billing.portalUrl(owner) } : {}
    : { upgrade_url: await billing.upgradeUrl(owner) };
  return {
    plan: pro ? "pro" : "free",
    free_rounds_per_day: game.freeRoundsPerDay,
    free_rounds_left: left,
    ...link,
  };
}

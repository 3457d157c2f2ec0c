import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { config, type Config } from "../config";
import { forbidden } from "./errors";

/** Whether HOST binds to this machine only: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.split(".")[0] === "127";
  if (isIP(h) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(h) || h === "::1";
  return false;
}

function sameSecret(given: string, expected: string): boolean {
  // Equal-length digests, so that the comparison takes the same time whatever was sent.
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The operators' endpoints (/api/health, /api/metrics) reveal the database path, queue sizes and
 * workers: open when Gatehouse listens on loopback only (nobody else can reach it), otherwise only
 * with `Authorization: Bearer GATEHOUSE_METRICS_TOKEN`. Throws a 403 ApiError otherwise.
 */
export function checkOperatorAccess(req: Request, cfg: Pick<Config, "HOST" | "GATEHOUSE_METRICS_TOKEN"> = config()): void {
  if (isLoopbackHost(cfg.HOST)) return;
  const token = cfg.GATEHOUSE_METRICS_TOKEN;
  if (!token) {
    throw forbidden(`Gatehouse listens on ${cfg.HOST}, beyond loopback: set GATEHOUSE_METRICS_TOKEN and send it as "Authorization: Bearer <token>" to read this.`);
  }
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (!given || !sameSecret(given, token)) {
    throw forbidden(`Gatehouse listens on ${cfg.HOST}, beyond loopback: send "Authorization: Bearer <GATEHOUSE_METRICS_TOKEN>" to read this.`);
  }
}

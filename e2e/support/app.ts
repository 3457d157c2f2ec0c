import { expect, type Browser, type Page } from "@playwright/test";
import { E2E, e2eState } from "./state";

export type ApiRequest = {
  id: string;
  status: string;
  command: string;
  decision: { by: string; comment: string | null } | null;
  exitCode: number | null;
  output: string | null;
};

let counter = 0;
/** A command no other test uses, so a test finds its own row. */
export function uniqueCommand(prefix = "echo"): string {
  return `${prefix} e2e-${Date.now().toString(36)}-${++counter}`;
}

/** The agent's side: POST /api/requests with its bearer token. */
export async function submitAsAgent(command: string, extra: Record<string, unknown> = {}): Promise<ApiRequest> {
  const s = e2eState();
  const res = await fetch(`${s.url}/api/requests`, {
    method: "POST",
    headers: { authorization: `Bearer ${s.agentToken}`, "content-type": "application/json" },
    body: JSON.stringify({ session: s.session, command, reason: "e2e: check the dashboard", cwd: "/tmp", ...extra }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as ApiRequest;
}

/** The agent's long-poll: GET /api/requests/:id?wait=N. */
export async function agentWait(id: string, seconds = 30): Promise<ApiRequest> {
  const s = e2eState();
  const res = await fetch(`${s.url}/api/requests/${id}?wait=${seconds}`, { headers: { authorization: `Bearer ${s.agentToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as ApiRequest;
}

/** The audit trail, as the agent may read it. */
export async function agentEvents(id: string): Promise<{ actor: string; from: string | null; to: string; reason: string | null }[]> {
  const s = e2eState();
  const res = await fetch(`${s.url}/api/requests/${id}/events`, { headers: { authorization: `Bearer ${s.agentToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { actor: string; from: string | null; to: string; reason: string | null }[] }).items;
}

export async function agentGet(id: string): Promise<ApiRequest> {
  return agentWait(id, 0);
}

/** Signs `name` in through the login page. */
export async function login(page: Page, name: string): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("login-name").fill(name);
  await page.getByTestId("login-password").fill(E2E.password);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("current-user")).toContainText(name);
}

/** A new browser context (its own cookies) signed in as `name`. */
export async function signedInPage(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: e2eState().url, viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await login(page, name);
  return page;
}

/** The inbox row that shows `command`. */
export function inboxRow(page: Page, command: string) {
  return page.getByTestId("inbox-row").filter({ has: page.getByTestId("command").getByText(command, { exact: true }) });
}

/** A full-page screenshot in test-results/screenshots/ (Playwright empties test-results/ at each run). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

import { expect, test } from "./support/test";
import { insertDeadLetter } from "./support/fixtures";
import { agentEvents, agentGet, agentWait, inboxRow, login, screenshot, signedInPage, submitAsAgent, uniqueCommand } from "./support/app";
import { e2eState } from "./support/state";

test.use({ baseURL: e2eState().url });

test("a person signs in with name and password, and out again", async ({ page, browserProblems }) => {
  browserProblems.allow(/\/api\/auth\/login$/, 401); // the wrong password, on purpose
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByTestId("login-name").fill("alice");
  await page.getByTestId("login-password").fill("not-the-password");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("do not match");

  await login(page, "alice");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/inbox");
  await expect(page).toHaveURL(/\/login$/);
});

test("an agent's request appears in the open inbox without a reload, and is approved by a click", async ({ page }) => {
  await login(page, "alice");
  await page.goto("/inbox");
  const command = uniqueCommand();
  const submitted = await submitAsAgent(command);
  const row = inboxRow(page, command);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("agent")).toHaveText("e2e-agent");
  await expect(row.getByTestId("reason")).toHaveText("e2e: check the dashboard");

  await row.getByTestId("approve").click();
  await expect(page.getByTestId("feedback")).toContainText("Approved");
  await expect(row).toHaveCount(0);
  expect((await agentGet(submitted.id)).decision?.by).toBe("alice");
});

test("j/k move through the inbox and a approves the highlighted request once it has been on screen a second", async ({ page }) => {
  await login(page, "alice");
  await page.goto("/inbox");
  const first = await submitAsAgent(uniqueCommand());
  const second = await submitAsAgent(uniqueCommand());
  const row = inboxRow(page, second.command);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("data-armed", "true");

  // Oldest first: walk down with j until the second request is highlighted, then approve it.
  const target = Number(await row.getAttribute("data-row-index"));
  await page.keyboard.press("k");
  for (let i = 0; i < target; i++) await page.keyboard.press("j");
  await expect(row).toHaveAttribute("data-active", "true");
  await page.keyboard.press("a");
  await expect(page.getByTestId("feedback")).toContainText("Approved");
  await expect(row).toHaveCount(0);
  expect((await agentGet(second.id)).decision?.by).toBe("alice");
  expect((await agentGet(first.id)).status).toBe("pending");

  await page.keyboard.press("?");
  await expect(page.getByTestId("keyboard-help")).toBeVisible();
  await page.keyboard.press("Escape");
  await inboxRow(page, first.command).getByTestId("reject").click();
  await page.getByTestId("reject-reason").fill("cleaning up after the keyboard test");
  await page.getByTestId("reject-confirm").click();
  await expect(inboxRow(page, first.command)).toHaveCount(0);
});

test("a rejection needs a reason, and the agent's wait returns rejected with it", async ({ page }) => {
  await login(page, "alice");
  await page.goto("/inbox");
  const req = await submitAsAgent(uniqueCommand("rm -rf build"));
  const waiting = agentWait(req.id, 30);
  const row = inboxRow(page, req.command);
  await row.getByTestId("reject").click();

  const dialog = page.getByTestId("reject-dialog");
  await dialog.getByTestId("reject-confirm").click();
  await expect(dialog).toBeVisible(); // no reason, no rejection
  await dialog.getByRole("button", { name: "Use a narrower command" }).click();
  await dialog.getByTestId("reject-reason").fill("Use a narrower command: only rm -rf build/tmp");
  await dialog.getByTestId("reject-confirm").click();
  await expect(page.getByTestId("feedback")).toContainText("Rejected");

  const answer = await waiting;
  expect(answer.status).toBe("rejected");
  expect(answer.decision).toMatchObject({ by: "alice", comment: "Use a narrower command: only rm -rf build/tmp" });
});

test("an approved command's output and exit code appear on its detail page", async ({ page }) => {
  await login(page, "alice");
  const req = await submitAsAgent(`printf 'hello from %s\\n' e2e-output; echo done`);
  await page.goto(`/requests/${req.id}`);
  await page.getByTestId("approve").click();
  await expect(page.getByTestId("exit-code")).toHaveText("exit 0", { timeout: 30_000 });
  await expect(page.getByTestId("output")).toContainText("hello from e2e-output");
  await expect(page.getByTestId("timeline-event")).toHaveCount(4); // submitted, approved, running, succeeded
  await screenshot(page, "request-detail-succeeded");
});

test("a dead letter is requeued from the Dead letters tab", async ({ page }) => {
  const command = uniqueCommand("make deploy");
  const id = await insertDeadLetter(e2eState().db, { agentId: e2eState().agentId, session: e2eState().session, command, lastError: "interrupted" });
  await login(page, "alice");
  await page.goto("/requests?tab=dead");
  const row = page.getByTestId("request-row").filter({ hasText: command });
  await expect(row.getByTestId("dead-reason")).toHaveText("interrupted");
  await screenshot(page, "requests-dead");
  await row.getByTestId("requeue").click();
  await expect(page.getByTestId("feedback")).toHaveText("Requeued: now queued.");
  // The worker may already have run it, so the row's later fate varies: the audit trail shows the
  // requeue either way.
  const events = await agentEvents(id);
  expect(events).toContainEqual(expect.objectContaining({ actor: "alice", from: "dead", to: "queued" }));
});

test("a viewer sees the inbox but cannot decide, in the page or through the API", async ({ browser }) => {
  const req = await submitAsAgent(uniqueCommand());
  const page = await signedInPage(browser, "vera");
  await page.goto("/inbox");
  const row = inboxRow(page, req.command);
  await expect(row).toBeVisible();
  await expect(page.getByTestId("viewer-note")).toBeVisible();
  await expect(row.getByTestId("approve")).toHaveCount(0);
  await row.click();
  await page.keyboard.press("a");
  const res = await page.request.post(`/api/requests/${req.id}/approve`, { data: {}, headers: { origin: e2eState().url } });
  expect(res.status()).toBe(403);
  expect((await agentGet(req.id)).status).toBe("pending");
  await screenshot(page, "inbox-viewer");
  await page.context().close();

  const alice = await signedInPage(browser, "alice");
  await alice.goto("/inbox");
  await inboxRow(alice, req.command).getByTestId("reject").click();
  await alice.getByTestId("reject-reason").fill("viewer test done");
  await alice.getByTestId("reject-confirm").click();
  await expect(alice.getByTestId("feedback")).toContainText("Rejected");
  await alice.context().close();
});

test("two supervisors approve the same request at once: one wins, the other is told who decided", async ({ browser, browserProblems }) => {
  browserProblems.allow(/\/api\/requests\/[^/]+\/approve$/, 409); // the losing click
  const req = await submitAsAgent(uniqueCommand());
  const alice = await signedInPage(browser, "alice");
  const bob = await signedInPage(browser, "bob");
  await Promise.all([alice.goto("/inbox"), bob.goto("/inbox")]);
  const buttons = [inboxRow(alice, req.command).getByTestId("approve"), inboxRow(bob, req.command).getByTestId("approve")];
  await Promise.all(buttons.map((b) => expect(b).toBeEnabled()));
  await Promise.all(buttons.map((b) => b.click()));

  const messages = await Promise.all([alice, bob].map(async (p) => (await p.getByTestId("feedback").textContent()) ?? ""));
  const winners = messages.filter((m) => m.startsWith("Approved"));
  const losers = messages.filter((m) => m.startsWith("Not approved"));
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(1);
  const winner = (await agentGet(req.id)).decision?.by;
  expect(losers[0]).toContain(`decided by ${winner}`);
  await Promise.all([alice.context().close(), bob.context().close()]);
});

test("every page renders, in light and dark (screenshots in test-results/screenshots/)", async ({ page }) => {
  const shown = await submitAsAgent(uniqueCommand("npm test -- --grep 'screenshot'"), { priority: "HIGH" });
  await submitAsAgent("git push --force origin main # a long command that needs the full text on demand to read the rest of it properly", { priority: "URGENT" });
  await login(page, "root");
  const pages: [string, string][] = [
    ["/", "overview"],
    ["/inbox", "inbox"],
    ["/requests?tab=approved", "requests-approved"],
    ["/requests?tab=rejected", "requests-rejected"],
    ["/throughput", "throughput"],
    ["/health", "health"],
    ["/rules", "rules"],
  ];
  for (const [url, name] of pages) {
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeAttached();
    await screenshot(page, name);
  }
  await page.getByTestId("theme-toggle").click();
  for (const [url, name] of pages) {
    await page.goto(url);
    await expect(page.locator("html")).toHaveClass(/dark/);
    await screenshot(page, `${name}-dark`);
  }
  await page.getByTestId("theme-toggle").click();
  await page.goto(`/requests/${shown.id}`);
  await expect(page.getByTestId("timeline")).toBeVisible();
  await screenshot(page, "request-detail");
  // Leave the live page first: its polls would otherwise meet the 401 of a session that is gone.
  await page.goto("about:blank");
  await page.context().clearCookies();
  await page.goto("/login");
  await screenshot(page, "login");
});

import { insertDeadLetter } from "./support/fixtures";
import { agentGet, inboxRow, login, screenshot, submitAsAgent, uniqueCommand } from "./support/app";
import { PHONE, PhoneDashboard } from "./support/phone";
import { e2eState } from "./support/state";
import { expect, test } from "./support/test";

test.use({ baseURL: e2eState().url, ...PHONE });

test("on a phone no page scrolls sideways (screenshots in test-results/screenshots/phone-*)", async ({ page }) => {
  const shown = await submitAsAgent(uniqueCommand("npm run test:unit -- --reporter=verbose --coverage"), { priority: "HIGH" });
  await submitAsAgent("git push --force origin main # a long command that needs the full text on demand to read the rest of it properly", { priority: "URGENT" });
  const s = e2eState();
  await insertDeadLetter(s.db, { agentId: s.agentId, session: s.session, command: uniqueCommand("make deploy"), lastError: "interrupted: the worker stopped while the command ran" });
  await login(page, "root");
  const phone = new PhoneDashboard(page);
  const pages: [string, string][] = [
    ["/", "overview"],
    ["/inbox", "inbox"],
    ["/requests?tab=approved", "requests"],
    ["/requests?tab=dead", "requests-dead"],
    [`/requests/${shown.id}`, "request-detail"],
    ["/rules", "rules"],
    ["/throughput", "throughput"],
    ["/health", "health"],
  ];
  const overflow: Record<string, number> = {};
  for (const [url, name] of pages) {
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeAttached();
    await screenshot(page, `phone-${name}`);
    overflow[name] = await phone.sideScroll();
  }
  expect(overflow, "pixels each page scrolls sideways").toEqual(Object.fromEntries(pages.map(([, name]) => [name, 0])));

  await page.getByTestId("theme-toggle").dispatchEvent("click"); // in the closed menu
  await page.goto("/inbox");
  await expect(page.locator("html")).toHaveClass(/dark/);
  await screenshot(page, "phone-inbox-dark");
  await page.getByTestId("theme-toggle").dispatchEvent("click");
});

test("on a phone the navigation is a menu button that opens the links, and each link works", async ({ page }) => {
  await login(page, "alice");
  const phone = new PhoneDashboard(page);
  await expect(page.getByTestId("nav-rules")).toBeHidden();
  await phone.expectWithinScreen(phone.menuButton, "the menu button");
  await phone.menuButton.tap();
  await expect(phone.menuButton).toHaveAttribute("aria-expanded", "true");
  for (const name of ["overview", "inbox", "requests", "throughput", "health", "rules"]) {
    await phone.expectWithinScreen(page.getByTestId(`nav-${name}`), `the ${name} link`);
  }
  await phone.expectWithinScreen(page.getByTestId("logout"), "sign out");
  await phone.expectNoSideScroll();
  await screenshot(page, "phone-menu-open");
  await phone.menuButton.tap();
  await expect(phone.menu).toBeHidden();

  const heading: Record<string, RegExp> = { rules: /Rules/, health: /Health/, throughput: /Throughput/, inbox: /Pending/ };
  for (const [name, title] of Object.entries(heading)) {
    await phone.navigate(name);
    await expect(page.getByRole("heading", { level: 1 }).first()).toHaveText(title);
    await expect(phone.menu).toBeHidden(); // the menu closes once a link is followed
  }
});

test("on a phone an inbox request is a card: it arrives live, and Approve / Reject are thumb-sized at its foot", async ({ page }) => {
  await login(page, "alice");
  const phone = new PhoneDashboard(page);
  await phone.navigate("inbox");
  const approveMe = await submitAsAgent(uniqueCommand());
  const rejectMe = await submitAsAgent(uniqueCommand("rm -rf node_modules && npm ci --no-audit --no-fund --prefer-offline"));
  const card = inboxRow(page, approveMe.command);
  await expect(card).toBeVisible(); // no reload: the live view brought it
  await expect(inboxRow(page, rejectMe.command)).toBeVisible();
  await phone.expectNoSideScroll();
  await screenshot(page, "phone-inbox-cards");

  const cardBox = await card.boundingBox();
  expect(cardBox?.width ?? 0, "a card spans the screen").toBeGreaterThan(300);
  for (const id of ["approve", "reject"]) {
    const button = card.getByTestId(id);
    await phone.expectThumbSized(button, id);
    const box = await button.boundingBox();
    const cardNow = await card.boundingBox();
    // At the card's foot, below the command and who asked: the thumb's end of the card.
    expect((box?.y ?? 0) + (box?.height ?? 0), `${id} at the card's foot`).toBeGreaterThan((cardNow?.y ?? 0) + (cardNow?.height ?? 0) - 60);
  }

  await card.getByTestId("approve").tap();
  await expect(page.getByTestId("feedback")).toContainText("Approved");
  await expect(card).toHaveCount(0);
  expect((await agentGet(approveMe.id)).decision?.by).toBe("alice");

  await inboxRow(page, rejectMe.command).getByTestId("reject").tap();
  const dialog = page.getByTestId("reject-dialog");
  await expect(dialog).toBeVisible();
  await phone.expectWithinScreen(dialog, "the reject dialog");
  await screenshot(page, "phone-reject-dialog");
  await dialog.getByTestId("reject-reason").fill("too broad for a phone approval");
  await phone.expectWithinScreen(dialog.getByTestId("reject-confirm"), "the reject button, with the keyboard's text in");
  await dialog.getByTestId("reject-confirm").tap();
  await expect(page.getByTestId("feedback")).toContainText("Rejected");
  expect((await agentGet(rejectMe.id)).status).toBe("rejected");
});

test("on a phone a request's detail page follows the run live to its exit code", async ({ page }) => {
  await login(page, "alice");
  const phone = new PhoneDashboard(page);
  const req = await submitAsAgent(`printf 'phone %s\\n' e2e-live; echo done`);
  await page.goto(`/requests/${req.id}`);
  await phone.expectThumbSized(page.getByTestId("approve"), "approve on the detail page");
  await page.getByTestId("approve").tap();
  await expect(page.getByTestId("exit-code")).toHaveText("exit 0", { timeout: 30_000 });
  await expect(page.getByTestId("output")).toContainText("phone e2e-live");
  await phone.expectNoSideScroll();
  await screenshot(page, "phone-request-detail-succeeded");
});

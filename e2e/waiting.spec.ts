import { inboxRow, login, submitAsAgent, uniqueCommand } from "./support/app";
import { e2eState } from "./support/state";
import { expect, test } from "./support/test";

test.use({ baseURL: e2eState().url });

declare global {
  interface Window {
    /** Notifications the page showed (title, body), recorded by the stand-in below. */
    shown: [string, string | undefined][];
  }
}

test("someone waiting shows in the tab title, and, once allowed, as a browser notification from a background tab", async ({ page, context }) => {
  // Chromium's own notifications need a desktop; a stand-in records what the page shows.
  await page.addInitScript(() => {
    window.shown = [];
    class RecordedNotification {
      static permission: NotificationPermission = "default";
      static async requestPermission(): Promise<NotificationPermission> {
        RecordedNotification.permission = "granted";
        return "granted";
      }
      constructor(title: string, options?: NotificationOptions) {
        window.shown.push([title, options?.body]);
      }
    }
    Object.defineProperty(window, "Notification", { value: RecordedNotification });
  });
  await login(page, "alice");
  await page.goto("/inbox");
  await page.getByTestId("enable-notifications").click();
  await expect(page.getByTestId("enable-notifications")).toHaveCount(0);

  // Another tab comes to the front: this one is in the background now.
  const other = await context.newPage();
  await other.goto("/throughput");
  const command = uniqueCommand();
  await submitAsAgent(command);

  await expect(page).toHaveTitle(/^\((\d+)\) /);
  await expect.poll(() => page.evaluate(() => window.shown.length)).toBeGreaterThan(0);
  const [title, body] = (await page.evaluate(() => window.shown)).at(-1)!;
  expect(title).toBe("Gatehouse");
  expect(body).toMatch(/new request.* waiting for a decision/);

  await page.bringToFront();
  await inboxRow(page, command).getByTestId("approve").click();
  await expect(inboxRow(page, command)).toHaveCount(0);
  await other.close();
});

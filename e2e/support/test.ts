import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";

export { expect };

export interface BrowserProblems {
  /**
   * Lets this test's pages meet one HTTP error that the test provokes on purpose (a wrong
   * password's 401, the losing click's 409): any other status >= 400 still fails the test.
   */
  allow(url: RegExp, status: number): void;
}

/**
 * Playwright's `test`, failing any test whose pages logged a console error, threw an uncaught
 * exception, or lost a resource (a failed request, an HTTP status >= 400): what a person would see
 * in the browser's console is a bug even when the page looks right.
 */
export const test = base.extend<{ browserProblems: BrowserProblems }>({
  browserProblems: [
    async ({ browser, context }, use) => {
      const found: string[] = [];
      const allowed: { url: RegExp; status: number }[] = [];
      const isAllowed = (url: string, status: number) => allowed.some((a) => a.status === status && a.url.test(url));

      const watch = (page: Page) => {
        page.on("console", (m) => {
          if (m.type() !== "error") return;
          // Chromium also logs every HTTP error as "Failed to load resource"; an allowed one is no problem.
          const status = Number(/status of (\d{3})/.exec(m.text())?.[1]);
          if (status && isAllowed(m.location().url, status)) return;
          found.push(`console error on ${page.url()}: ${m.text()} (${m.location().url})`);
        });
        page.on("pageerror", (e) => found.push(`uncaught exception on ${page.url()}: ${e.message}`));
        page.on("requestfailed", (r) => {
          const why = r.failure()?.errorText ?? "failed";
          // Leaving a page cancels its fetches (live polls, prefetches): the browser's choice, not a failure.
          if (why === "net::ERR_ABORTED") return;
          found.push(`request failed on ${page.url()}: ${r.method()} ${r.url()} ${why}`);
        });
        page.on("response", (r) => {
          if (r.status() >= 400 && !isAllowed(r.url(), r.status())) {
            found.push(`HTTP ${r.status()} on ${page.url()}: ${r.request().method()} ${r.url()}`);
          }
        });
      };
      const watchContext = (c: BrowserContext) => {
        c.pages().forEach(watch);
        c.on("page", watch);
      };
      watchContext(context);
      // Tests with two people open a context each through `browser.newContext`: watch those too.
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const c = await newContext(...args);
        watchContext(c);
        return c;
      };
      try {
        await use({ allow: (url, status) => allowed.push({ url, status }) });
      } finally {
        browser.newContext = newContext;
      }
      expect(found, "errors in the browser").toEqual([]);
    },
    { auto: true },
  ],
});

import type { Locator, Page } from "@playwright/test";
import { expect } from "./test";

/** An iPhone 12-sized screen, touch and all. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } as const;

/** Apple's and Google's smallest comfortable touch target, in CSS pixels. */
export const TOUCH_TARGET_PX = 44;

/** The dashboard as a phone shows it: the main navigation folds into a menu. */
export class PhoneDashboard {
  constructor(readonly page: Page) {}

  get menuButton(): Locator {
    return this.page.getByTestId("nav-menu-button");
  }

  get menu(): Locator {
    return this.page.getByTestId("nav-menu");
  }

  /** Opens the menu and follows one of its links (`inbox`, `rules`…). */
  async navigate(name: string): Promise<void> {
    await this.menuButton.tap();
    const link = this.page.getByTestId(`nav-${name}`);
    await expect(link).toBeVisible();
    await link.tap();
  }

  /** How far the page scrolls sideways, in CSS pixels: 0 when nothing is wider than the screen. */
  sideScroll(): Promise<number> {
    return this.page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
  }

  async expectNoSideScroll(): Promise<void> {
    expect(await this.sideScroll(), "pixels the page scrolls sideways").toBe(0);
  }

  /** The element lies wholly inside the screen as it is scrolled now. */
  async expectWithinScreen(target: Locator, what: string): Promise<void> {
    const box = await target.boundingBox();
    const screen = this.page.viewportSize();
    expect(box, what).not.toBeNull();
    expect(screen).not.toBeNull();
    if (!box || !screen) return;
    expect(box.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
    expect(box.y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${what}: right edge`).toBeLessThanOrEqual(screen.width);
    expect(box.y + box.height, `${what}: bottom edge`).toBeLessThanOrEqual(screen.height);
  }

  /** A button a thumb can hit: on screen once scrolled to, at least TOUCH_TARGET_PX tall. */
  async expectThumbSized(button: Locator, what: string): Promise<void> {
    await button.scrollIntoViewIfNeeded();
    await this.expectWithinScreen(button, what);
    const box = await button.boundingBox();
    expect(box?.height ?? 0, `${what}: height`).toBeGreaterThanOrEqual(TOUCH_TARGET_PX);
  }
}

"use client";
import { useSyncExternalStore } from "react";
import { THEME_COOKIE } from "./theme-cookie";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function isDark(): boolean {
  const c = document.documentElement.classList;
  return c.contains("dark") || (!c.contains("light") && matchMedia(DARK_QUERY).matches);
}

/** The theme lives on <html>'s class (set by this toggle or the server from the cookie) and the system setting. */
function onThemeChange(notify: () => void): () => void {
  const classes = new MutationObserver(notify);
  classes.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  const system = matchMedia(DARK_QUERY);
  system.addEventListener("change", notify);
  return () => {
    classes.disconnect();
    system.removeEventListener("change", notify);
  };
}

export function ThemeToggle() {
  // null on the server, which cannot know the system setting.
  const dark = useSyncExternalStore(onThemeChange, isDark, () => null);
  const toggle = () => {
    const next = !isDark();
    const c = document.documentElement.classList;
    c.toggle("dark", next);
    c.toggle("light", !next);
    document.cookie = `${THEME_COOKIE}=${next ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax`;
  };
  return (
    <button
      type="button"
      onClick={toggle}
      data-testid="theme-toggle"
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      className="rounded px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      {dark ? "☀ Light" : "☾ Dark"}
    </button>
  );
}

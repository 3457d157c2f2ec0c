"use client";
import { useEffect, useState } from "react";
import { THEME_COOKIE } from "./theme-cookie";


function isDark(): boolean {
  const c = document.documentElement.classList;
  return c.contains("dark") || (!c.contains("light") && matchMedia("(prefers-color-scheme: dark)").matches);
}

export function ThemeToggle() {
  const [dark, setDark] = useState<boolean | null>(null);
  useEffect(() => setDark(isDark()), []);
  const toggle = () => {
    const next = !isDark();
    const c = document.documentElement.classList;
    c.toggle("dark", next);
    c.toggle("light", !next);
    document.cookie = `${THEME_COOKIE}=${next ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax`;
    setDark(next);
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

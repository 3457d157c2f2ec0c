import type { Metadata } from "next";
import { cookies } from "next/headers";
import { THEME_COOKIE } from "@/components/theme-cookie";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Gatehouse", template: "%s · Gatehouse" },
  description: "Approval gate and durable work queue for AI coding agents in tmux",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // An explicit choice is rendered by the server (no flash); otherwise CSS follows the system theme.
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  return (
    <html lang="en" className={theme === "dark" || theme === "light" ? theme : undefined}>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">{children}</body>
    </html>
  );
}

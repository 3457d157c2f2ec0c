"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { postJson } from "./api";
import { resumeLiveViews } from "./live";

export function LoginForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await postJson("/api/auth/login", { name: form.get("name"), password: form.get("password") });
    if (res.ok) {
      resumeLiveViews();
      router.replace("/");
      router.refresh();
    } else {
      setBusy(false);
      setError(res.error.message);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <label className="block text-sm font-medium">
        Name
        <input name="name" autoComplete="username" required autoFocus data-testid="login-name" className="input mt-1 w-full" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required data-testid="login-password" className="input mt-1 w-full" />
      </label>
      {error && (
        <p role="alert" data-testid="login-error" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} data-testid="login-submit" className="btn-primary w-full">
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

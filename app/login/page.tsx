import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { LoginForm } from "@/components/login-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await currentUser()) redirect("/");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="mb-1 text-2xl font-semibold tracking-tight">Gatehouse</h1>
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">Sign in to approve and watch your agents&apos; commands.</p>
        <LoginForm />
      </div>
    </main>
  );
}

import { requirePageUser } from "@/lib/auth/current-user";
import { ClockProvider } from "@/components/clock";
import { Nav } from "@/components/nav";
import { UserProvider } from "@/components/user-context";

export const dynamic = "force-dynamic";

/** Every dashboard page: signed-in people only, with the main navigation. */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  // eslint-disable-next-line react-hooks/purity -- a server component: it renders once per request
  const renderedAt = Date.now();
  return (
    <UserProvider user={{ name: user.name, role: user.role }}>
      <ClockProvider serverNow={renderedAt}>
        <Nav />
        <main className="mx-auto max-w-7xl px-4 py-5">{children}</main>
      </ClockProvider>
    </UserProvider>
  );
}

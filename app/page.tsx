export default function Home() {
  return (
    <main className="mx-auto max-w-3xl p-8">
      <h1 className="text-2xl font-semibold">Gatehouse</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">Approval gate and work queue for agents in tmux.</p>
    </main>
  );
}

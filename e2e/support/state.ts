/** What global setup started, handed to the tests through the environment. */
export interface E2EState {
  url: string;
  /** The environment naming the database: GATEHOUSE_DB, and GATEHOUSE_DATABASE_URL on PostgreSQL. */
  db: Record<string, string>;
  socket: string;
  session: string;
  agentId: string;
  agentToken: string;
}

export const E2E = {
  stateVar: "GATEHOUSE_E2E_STATE",
  password: "e2e-password-1",
} as const;

export function e2eState(): E2EState {
  const raw = process.env[E2E.stateVar];
  if (!raw) throw new Error("e2e state missing: run through `npm run e2e` (playwright.config.ts starts the app)");
  return JSON.parse(raw) as E2EState;
}

/**
 * Loads a Node built-in when first needed. In the hook's CommonJS bundle through the module's
 * own `require`: an `import()` there (or loading node:module for createRequire) starts Node's ES
 * module loader, ~12 ms of a start that happens before every agent command. From source (tsx,
 * vitest), where that loader runs anyway, through `import()`.
 */
export async function builtin<T>(name: `node:${string}`): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- on purpose: see above
  if (typeof require === "function") return require(name) as T;
  return (await import(name)) as T;
}

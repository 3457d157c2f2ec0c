/**
 * Who the hook is and which server it asks: `GATEHOUSE_TOKEN` and `GATEHOUSE_URL`, or, for an
 * agent whose hook cannot be given environment variables, a config file
 * (`$GATEHOUSE_CONFIG`, else `$XDG_CONFIG_HOME/gatehouse/agent.json`, else
 * `~/.config/gatehouse/agent.json`) holding `{"url": "…", "token": "…"}`. The environment wins.
 */
import { readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isString, misfit, optional, type Field } from "./shape";

export const DEFAULT_URL = "http://127.0.0.1:3000";

interface ConfigFile {
  url?: string;
  token?: string;
}
const CONFIG_FIELDS: readonly Field[] = [
  ["url", optional(isString), "a string"],
  ["token", optional(isString), "a string"],
];

export interface Identity {
  url: string;
  token: string;
  /** A warning for stderr (a config file others can read). */
  warning?: string;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.GATEHOUSE_CONFIG) return env.GATEHOUSE_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), ".config");
  return path.join(base, "gatehouse", "agent.json");
}

/** The identity, or the reason there is none (a sentence for stderr). */
export function resolveIdentity(env: NodeJS.ProcessEnv): Identity | { problem: string } {
  let fromFile: ConfigFile = {};
  let warning: string | undefined;
  const file = configPath(env);
  if (!env.GATEHOUSE_TOKEN || !env.GATEHOUSE_URL) {
    let text: string | undefined;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // No config file: the environment alone.
    }
    if (text !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { problem: `${file} is not JSON` };
      }
      if (misfit(json, CONFIG_FIELDS)) return { problem: `${file} should hold {"url": "…", "token": "…"}` };
      fromFile = json as ConfigFile;
      if (fromFile.token && (statSync(file).mode & 0o077) !== 0) warning = `${file} holds a token that other users can read (chmod 600 it)`;
    }
  }
  const token = env.GATEHOUSE_TOKEN || fromFile.token;
  if (!token) return { problem: `no agent token: set GATEHOUSE_TOKEN or put {"token": "…"} in ${file}` };
  return { url: (env.GATEHOUSE_URL || fromFile.url || DEFAULT_URL).replace(/\/+$/, ""), token, warning };
}

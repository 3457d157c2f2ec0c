import { describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";

describe("newId", () => {
  it("sorts ids made in the same millisecond in the order they were made", () => {
    const now = Date.UTC(2026, 10, 24, 7, 0, 0);
    const ids = Array.from({ length: 1000 }, () => newId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });

  it("sorts by time first: a later millisecond always sorts after an earlier one", () => {
    const a = newId(Date.UTC(2026, 0, 1));
    const b = newId(Date.UTC(2026, 0, 1) + 1);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/http/errors";
import { checkLoginRate, DEVICE_COOKIE, loginFailed, loginSucceeded, NAME_RATE, type LoginAttempt } from "../../lib/auth/login-limit";

const SECRET = "test-secret";
const T0 = 1_700_000_000_000;
let n = 0;
const fresh = (base: string) => `${base}-${++n}`;

function refusal(a: LoginAttempt): ApiError | null {
  try {
    checkLoginRate(SECRET, a);
    return null;
  } catch (e) {
    return e as ApiError;
  }
}

/** The device cookie's value from its Set-Cookie header. */
const deviceFrom = (setCookie: string) => setCookie.split(";")[0]!.slice(DEVICE_COOKIE.length + 1);

describe("sign-in limits", () => {
  it("a name guessed at too often is refused with 429 and Retry-After, and allowed again once a token is back", () => {
    const name = fresh("admin");
    for (let i = 0; i < NAME_RATE.capacity; i++) {
      expect(refusal({ name, now: T0 })).toBeNull();
      loginFailed(SECRET, { name, now: T0 });
    }
    const refused = refusal({ name, now: T0 });
    expect(refused).toMatchObject({ status: 429, code: "rate_limited", headers: { "Retry-After": "90" } });
    expect(refusal({ name, now: T0 + 89_000 })).not.toBeNull();
    expect(refusal({ name, now: T0 + 90_000 })).toBeNull();
  });

  it("a browser that signed in as the name before is not locked out by someone else's guesses", () => {
    const name = fresh("admin");
    const device = deviceFrom(loginSucceeded(SECRET, { name, now: T0 }, false));
    for (let i = 0; i < 50; i++) loginFailed(SECRET, { name, now: T0 });
    expect(refusal({ name, now: T0 })).not.toBeNull();
    expect(refusal({ name, device, now: T0 })).toBeNull();
    // A device cookie counts only for its own name, and a forged one not at all.
    expect(refusal({ name, device: deviceFrom(loginSucceeded(SECRET, { name: fresh("other") }, false)), now: T0 })).not.toBeNull();
    expect(refusal({ name, device: `${device.split(".")[0]}.forged`, now: T0 })).not.toBeNull();
  });

  it("a known browser's own failures are limited too, and a good sign-in forgets them", () => {
    const name = fresh("alice");
    const device = deviceFrom(loginSucceeded(SECRET, { name, now: T0 }, false));
    for (let i = 0; i < 10; i++) loginFailed(SECRET, { name, device, now: T0 });
    expect(refusal({ name, device, now: T0 })).not.toBeNull();
    loginSucceeded(SECRET, { name, device, now: T0 }, false);
    expect(refusal({ name, device, now: T0 })).toBeNull();
  });

  it("behind a trusted proxy, one address guessing at many names is limited", () => {
    const address = `203.0.113.${++n % 250}`;
    for (let i = 0; i < 30; i++) loginFailed(SECRET, { name: fresh("user"), address, now: T0 });
    expect(refusal({ name: fresh("user"), address, now: T0 })).toMatchObject({ status: 429 });
    expect(refusal({ name: fresh("user"), address: "198.51.100.7", now: T0 })).toBeNull();
  });

  it("the device cookie is httpOnly, strict, only for the sign-in route, and Secure behind TLS", () => {
    const header = loginSucceeded(SECRET, { name: fresh("bob") }, true);
    expect(header).toMatch(/^gatehouse_device=[\w-]+\.[\w-]+; Path=\/api\/auth\/login; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
  });
});

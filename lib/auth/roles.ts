/** Roles of people, least to most power: a role's index is its rank. */
export const ROLES = ["viewer", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function hasRole(role: Role, atLeast: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(atLeast);
}

"use client";
import { createContext, useContext } from "react";
import { hasRole, type Role } from "@/lib/auth/roles";

export interface SignedInUser {
  name: string;
  role: Role;
}

const UserContext = createContext<SignedInUser | null>(null);

export function UserProvider({ user, children }: { user: SignedInUser; children: React.ReactNode }) {
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

/** The signed-in person and what their role allows (the server checks again on every action). */
export function useUser() {
  const user = useContext(UserContext);
  if (!user) throw new Error("useUser outside the dashboard layout");
  return { ...user, canDecide: hasRole(user.role, "supervisor"), isAdmin: hasRole(user.role, "admin") };
}

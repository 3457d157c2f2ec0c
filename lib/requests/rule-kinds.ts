/** Policy rule kinds, in the order they are checked: deny, then ask, then allow. */
export const RULE_KINDS = ["deny", "ask", "allow"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Cookie that holds an explicit theme choice (dark or light); without it pages follow the system setting. */
export const THEME_COOKIE = "gatehouse-theme";

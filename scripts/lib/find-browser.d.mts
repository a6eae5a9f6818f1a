export declare const INSTALL_HINT: string;
export declare function findChromium(): { executablePath: string | undefined; source: "playwright" | "system" } | null;

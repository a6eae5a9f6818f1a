export declare const ROOT: string;
export declare function distDir(): string;
export declare function sourceStamp(): string;
export declare function buildIsCurrent(): boolean;
export declare function nextBin(): string;
export declare function ensureBuild(options?: { log?: (line: string) => void }): Promise<void>;

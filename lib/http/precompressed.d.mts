export declare const ACCEPTS_GZIP: string;
export declare const PRECOMPRESSED_ROUTES: string[];
export declare function acceptsGzip(acceptEncoding: string | null | undefined): boolean;
export declare function precompressedHeaderRules(): {
  source: string;
  has?: { type: "header"; key: string; value: string }[];
  headers: { key: string; value: string }[];
}[];

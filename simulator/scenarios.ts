/** Clients, sites and devices whose ids never depend on the seed or fleet size, so tests, benchmarks and demos can name them. */

export const DEFAULT_SEED = 42;
export const DEFAULT_DEVICES = 400;

/** Seeded misbehaviours of `list_mob_sessions`, one device each in "Simulator Fault Lab". */
export const FAULT_KINDS = ["http500", "stall", "slow", "malformed", "truncated", "html", "failNoCode", "throttled"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Hostile list_mob_sessions answers (hostile.ts) from devices with B&R off, so only an explicit request meets them. */
export const HOSTILE_KINDS = [
  "billionLaughs",
  "quadraticBlowup",
  "charRefFlood",
  "badCodePoints",
  "doctypeSystem",
  "doctypePublic",
  "deepNesting",
  "protoElements",
  "hugeBody",
  "emptyBody",
  "bomUtf8",
  "failWithCode",
  "shuffledFields",
  "htmlErrorPage",
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** Quiet failures (README "Quiet failures"): backups that complete but look wrong against their own history. */
export const QUIET_KINDS = ["emptyAndMissing", "ransomware", "brokenSelection"] as const;
export type QuietKind = (typeof QUIET_KINDS)[number];

export type FixedBehaviour =
  | { kind: "normal" }
  | { kind: "hourlySql" }
  | { kind: "failingStreak" }
  | { kind: "singleSession" }
  | { kind: "backupOff" }
  | { kind: "overdue" }
  | { kind: "stopped"; days: number }
  | { kind: "quiet"; quiet: QuietKind }
  | { kind: "fault"; fault: FaultKind }
  | { kind: "hostile"; hostile: HostileKind };

export type FixedServerRole = "dc" | "fs" | "sql" | "app";

export interface FixedDeviceSpec {
  id: string;
  name: string;
  type: "server" | "workstation";
  role: FixedServerRole | "laptop" | "desktop";
  behaviour: FixedBehaviour;
}

export interface FixedSiteSpec {
  id: string;
  name: string;
  devices: readonly FixedDeviceSpec[];
}

export interface FixedClientSpec {
  id: string;
  name: string;
  /** "" is sent as `<timezone/>`, as N-sight does for a client without one. */
  timezone: string;
  sites: readonly FixedSiteSpec[];
}

const normal = { kind: "normal" } as const;
const fault = (f: FaultKind): FixedBehaviour => ({ kind: "fault", fault: f });
const hostile = (h: HostileKind): FixedBehaviour => ({ kind: "hostile", hostile: h });

// RIGHT-TO-LEFT OVERRIDE: "LT-\u202EHTIMSJ" renders as "LT-JSMITH".
const RLO = "\u202e";

export const FIXED_CLIENTS: readonly FixedClientSpec[] = [
  {
    id: "100001",
    name: "Müller Bau GmbH",
    timezone: "Europe/Berlin",
    sites: [
      {
        id: "200001",
        name: "München",
        devices: [
          { id: "3000001", name: "MB-SQL01", type: "server", role: "sql", behaviour: { kind: "hourlySql" } },
          { id: "3000002", name: "MB-DC01", type: "server", role: "dc", behaviour: { kind: "failingStreak" } },
          { id: "3000003", name: "LT-AMUELLER", type: "workstation", role: "laptop", behaviour: normal },
        ],
      },
      {
        id: "200002",
        name: "Zürich",
        devices: [
          { id: "3000004", name: "ZH-FS01", type: "server", role: "fs", behaviour: normal },
          { id: "3000005", name: "ZH-EMPFANG", type: "workstation", role: "desktop", behaviour: normal },
        ],
      },
    ],
  },
  {
    id: "100002",
    name: '<script>alert("x")</script> Labs',
    timezone: "America/Los_Angeles",
    sites: [
      {
        id: "200003",
        name: "HQ",
        devices: [
          { id: "3000006", name: '"><img src=x onerror=alert(1)>', type: "workstation", role: "desktop", behaviour: normal },
          { id: "3000007", name: `LT-${RLO}HTIMSJ`, type: "workstation", role: "laptop", behaviour: normal },
        ],
      },
    ],
  },
  {
    id: "100003",
    name: "Simulator Fault Lab",
    timezone: "Europe/London",
    sites: [
      {
        id: "200004",
        name: "Fault Bench",
        devices: [
          { id: "3000008", name: "FAULT-HTTP500", type: "server", role: "app", behaviour: fault("http500") },
          { id: "3000009", name: "FAULT-STALL", type: "server", role: "app", behaviour: fault("stall") },
          { id: "3000010", name: "FAULT-SLOW", type: "server", role: "app", behaviour: fault("slow") },
          { id: "3000011", name: "FAULT-MALFORMED", type: "server", role: "app", behaviour: fault("malformed") },
          { id: "3000012", name: "FAULT-TRUNCATED", type: "workstation", role: "desktop", behaviour: fault("truncated") },
          { id: "3000013", name: "FAULT-HTML", type: "workstation", role: "desktop", behaviour: fault("html") },
          { id: "3000014", name: "FAULT-FAILNOCODE", type: "workstation", role: "desktop", behaviour: fault("failNoCode") },
          { id: "3000015", name: "FAULT-THROTTLED", type: "workstation", role: "desktop", behaviour: fault("throttled") },
        ],
      },
      {
        // Added later: its ids continue after the others', so no earlier fixed id moved.
        id: "200009",
        name: "Hostile Bench",
        devices: [
          { id: "3000025", name: "HOSTILE-BILLION-LAUGHS", type: "server", role: "app", behaviour: hostile("billionLaughs") },
          { id: "3000026", name: "HOSTILE-QUADRATIC-BLOWUP", type: "server", role: "app", behaviour: hostile("quadraticBlowup") },
          { id: "3000027", name: "HOSTILE-CHARREF-FLOOD", type: "server", role: "app", behaviour: hostile("charRefFlood") },
          { id: "3000028", name: "HOSTILE-BAD-CODEPOINTS", type: "server", role: "app", behaviour: hostile("badCodePoints") },
          { id: "3000029", name: "HOSTILE-DOCTYPE-SYSTEM", type: "server", role: "app", behaviour: hostile("doctypeSystem") },
          { id: "3000030", name: "HOSTILE-DOCTYPE-PUBLIC", type: "server", role: "app", behaviour: hostile("doctypePublic") },
          { id: "3000031", name: "HOSTILE-DEEP-NESTING", type: "server", role: "app", behaviour: hostile("deepNesting") },
          { id: "3000032", name: "HOSTILE-PROTO-ELEMENTS", type: "workstation", role: "desktop", behaviour: hostile("protoElements") },
          { id: "3000033", name: "HOSTILE-HUGE-BODY", type: "workstation", role: "desktop", behaviour: hostile("hugeBody") },
          { id: "3000034", name: "HOSTILE-EMPTY-BODY", type: "workstation", role: "desktop", behaviour: hostile("emptyBody") },
          { id: "3000035", name: "HOSTILE-BOM-UTF8", type: "workstation", role: "desktop", behaviour: hostile("bomUtf8") },
          { id: "3000036", name: "HOSTILE-FAIL-WITH-CODE", type: "workstation", role: "desktop", behaviour: hostile("failWithCode") },
          { id: "3000037", name: "HOSTILE-SHUFFLED-FIELDS", type: "workstation", role: "desktop", behaviour: hostile("shuffledFields") },
          { id: "3000038", name: "HOSTILE-HTML-ERROR-PAGE", type: "workstation", role: "desktop", behaviour: hostile("htmlErrorPage") },
        ],
      },
    ],
  },
  {
    id: "100004",
    name: "Smith & Sons Plumbing",
    timezone: "America/Chicago",
    sites: [
      {
        id: "200005",
        name: "Main Office",
        devices: [
          { id: "3000016", name: "SSP-SRV01", type: "server", role: "dc", behaviour: { kind: "stopped", days: 3 } },
          { id: "3000017", name: "SSP-SRV02", type: "server", role: "fs", behaviour: { kind: "stopped", days: 30 } },
          { id: "3000018", name: "LT-DSMITH", type: "workstation", role: "laptop", behaviour: { kind: "singleSession" } },
          { id: "3000019", name: "DT-FRONTDESK", type: "workstation", role: "desktop", behaviour: { kind: "overdue" } },
        ],
      },
      {
        id: "200006",
        name: "Warehouse",
        devices: [
          { id: "3000020", name: "WH-SCANNER01", type: "workstation", role: "desktop", behaviour: { kind: "backupOff" } },
          { id: "3000021", name: "LT-MOBRIEN", type: "workstation", role: "laptop", behaviour: { kind: "stopped", days: 9 } },
        ],
      },
    ],
  },
  {
    id: "100005",
    name: "Genève Santé SA",
    timezone: "Europe/Zurich",
    sites: [
      {
        id: "200007",
        name: "Genève",
        devices: [
          { id: "3000022", name: "GE-SRV01", type: "server", role: "dc", behaviour: { kind: "quiet", quiet: "emptyAndMissing" } },
          { id: "3000023", name: "GE-ACCUEIL", type: "workstation", role: "desktop", behaviour: { kind: "quiet", quiet: "ransomware" } },
        ],
      },
      {
        id: "200008",
        name: "Lausanne",
        devices: [{ id: "3000024", name: "LS-LT-MDUPONT", type: "workstation", role: "laptop", behaviour: { kind: "quiet", quiet: "brokenSelection" } }],
      },
    ],
  },
  // A client still being onboarded: no sites yet (list_sites answers `<items/>`), no time zone.
  { id: "100006", name: "Harbour View Dental", timezone: "", sites: [] },
];

export const SCENARIO = {
  /** Its site "Zürich" carries 0xFC on the wire. */
  accentClient: "100001",
  markupClient: "100002",
  faultLabClient: "100003",
  ampersandClient: "100004",
  accentClient2: "100005",
  /** A client with no sites and an empty time zone. */
  emptyClient: "100006",

  /** Over 20,000 sessions: hourly MSSQL for ~900 days. */
  hourlySqlServer: "3000001",
  /** SYSTEM_STATE failed its last 4 runs; FILE_SYSTEM is fine. */
  failingStreak: "3000002",
  singleSession: "3000018",
  backupOff: "3000020",
  /** Last backup 36 h before fleet start. */
  overdue: "3000019",
  stoppedDaysAgo: [
    { deviceId: "3000016", days: 3 },
    { deviceId: "3000021", days: 9 },
    { deviceId: "3000017", days: 30 },
  ],
  /** Each completed its latest backup (3 h before fleet start) in a way its own history says is wrong. */
  quiet: {
    /** FILE_SYSTEM transferred nothing; SYSTEM_STATE stopped 3 days ago while FILE_SYSTEM goes on (so also overdue). */
    emptyAndMissing: "3000022",
    /** FILE_SYSTEM transferred 8 times its usual and took over twice as long. */
    ransomware: "3000023",
    /** FILE_SYSTEM's selection halved and it transferred a tenth of its usual. */
    brokenSelection: "3000024",
  } satisfies Record<QuietKind, string>,
  markupDevice: "3000006",
  /** Its name's U+202E is sent as `&#x202E;`. */
  rtlDevice: "3000007",
  faults: {
    http500: "3000008",
    stall: "3000009",
    slow: "3000010",
    malformed: "3000011",
    truncated: "3000012",
    html: "3000013",
    failNoCode: "3000014",
    throttled: "3000015",
  } satisfies Record<FaultKind, string>,
  hostileSite: "200009",
  hostile: {
    billionLaughs: "3000025",
    quadraticBlowup: "3000026",
    charRefFlood: "3000027",
    badCodePoints: "3000028",
    doctypeSystem: "3000029",
    doctypePublic: "3000030",
    deepNesting: "3000031",
    protoElements: "3000032",
    hugeBody: "3000033",
    emptyBody: "3000034",
    bomUtf8: "3000035",
    failWithCode: "3000036",
    shuffledFields: "3000037",
    htmlErrorPage: "3000038",
  } satisfies Record<HostileKind, string>,
} as const;

export interface ScenarioPlace {
  clientId: string;
  siteId: string;
  type: "server" | "workstation";
}

export const SCENARIO_PLACES: Readonly<Record<string, ScenarioPlace>> = Object.freeze(
  Object.fromEntries(
    FIXED_CLIENTS.flatMap((c) => c.sites.flatMap((s) => s.devices.map((d) => [d.id, { clientId: c.id, siteId: s.id, type: d.type }] as const))),
  ),
);

export const ZURICH_SITE_ID = "200002";

export const FIXED_CLIENT_COUNT = FIXED_CLIENTS.length;
export const FIXED_SITE_COUNT = FIXED_CLIENTS.reduce((n, c) => n + c.sites.length, 0);
export const FIXED_DEVICE_COUNT = FIXED_CLIENTS.reduce((n, c) => n + c.sites.reduce((m, s) => m + s.devices.length, 0), 0);

export function faultKindOf(deviceId: string): FaultKind | undefined {
  for (const kind of FAULT_KINDS) if (SCENARIO.faults[kind] === deviceId) return kind;
  return undefined;
}

export function hostileKindOf(deviceId: string): HostileKind | undefined {
  for (const kind of HOSTILE_KINDS) if (SCENARIO.hostile[kind] === deviceId) return kind;
  return undefined;
}

/** Name pools for generated clients, sites and devices, by region of the client's time zone. */
import type { ServerRole } from "./fleet";

export type Region = "uk" | "dach" | "us" | "anz" | "jp";

export const TIMEZONES: readonly (readonly [string, number])[] = [
  ["Europe/London", 4],
  ["Europe/Zurich", 1.5],
  ["Europe/Berlin", 2],
  ["America/New_York", 3],
  ["America/Chicago", 2],
  ["America/Los_Angeles", 2],
  ["Australia/Sydney", 1.5],
  ["Asia/Tokyo", 1],
  ["Pacific/Auckland", 1],
];

export function regionOf(timezone: string): Region {
  if (timezone.startsWith("America/")) return "us";
  if (timezone === "Europe/London" || timezone === "") return "uk";
  if (timezone.startsWith("Europe/")) return "dach";
  if (timezone === "Asia/Tokyo") return "jp";
  return "anz";
}

export const CLIENT_NAMES: Record<Region, readonly string[]> = {
  uk: [
    "Thornbury Accountants",
    "Hartley & Webb Solicitors",
    "Brightwater Veterinary Group",
    "Kestrel Logistics Ltd",
    "Oakridge Primary Academy",
    "Pennine Dental Care",
    "Castlegate Estate Agents",
    "Marlow Engineering",
    "Northgate Architects",
    "Redbrook Surveyors",
    "Fairfield Care Homes",
    "Ashdown Print & Design",
  ],
  dach: [
    "Alpen Treuhand AG",
    "Bäckerei Huber",
    "Schneider Logistik GmbH",
    "Kanzlei Wagner & Partner",
    "Rheintal Metallbau AG",
    "Praxis Dr. Keller",
    "Zahnarztpraxis Lindenhof",
    "Hofmann Elektrotechnik",
    "Weber Steuerberatung",
    "Sonnenberg Hotel AG",
    "Brunner Holzbau",
  ],
  us: [
    "Acme Logistics",
    "Contoso Dental Group",
    "Lakeside Family Medicine",
    "Granite State Title Co.",
    "Harbor Point Realty",
    "Midwest Ag Supply",
    "Pacific Crest Insurance",
    "Riverside Auto Group",
    "Summit Engineering LLC",
    "Blue Ridge Law Partners",
    "Evergreen Property Management",
    "Northstar Credit Union",
    "Desert Bloom Pediatrics",
    "Golden Gate Architects",
    "Prairie Wind Farms",
  ],
  anz: [
    "Bondi Physio",
    "Harbourside Accountants Pty Ltd",
    "Kauri Construction Ltd",
    "Southern Cross Freight",
    "Waitemata Dental",
    "Coastal Plumbing Pty Ltd",
    "Outback Mining Services",
    "Tasman Legal",
  ],
  jp: ["Sakura Trading KK", "Tanaka Precision Parts", "Minato Design Studio", "Koyo Logistics", "Hikari Clinic"],
};

export const CITIES: Record<Region, readonly string[]> = {
  uk: ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Birmingham", "Cardiff"],
  dach: ["Berlin", "Hamburg", "Köln", "Stuttgart", "Basel", "Bern", "Wien"],
  us: ["Boston", "Denver", "Austin", "Seattle", "Chicago", "Phoenix", "Atlanta"],
  anz: ["Sydney", "Melbourne", "Brisbane", "Auckland", "Wellington", "Perth"],
  jp: ["Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka"],
};

export const SITE_NAMES = ["Warehouse", "Branch Office", "Remote Workers", "Datacenter", "Workshop", "Showroom", "Clinic", "Depot", "Lab"];

export const SURNAMES: Record<Region, readonly string[]> = {
  uk: ["SMITH", "JONES", "TAYLOR", "BROWN", "WILLIAMS", "WILSON", "DAVIES", "PATEL", "WRIGHT", "EVANS", "THOMAS", "HUGHES"],
  dach: ["MUELLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER", "HOFMANN", "KELLER", "HUBER"],
  us: ["SMITH", "JOHNSON", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ", "LEE", "NGUYEN", "WALKER", "HALL", "KING"],
  anz: ["WILSON", "THOMPSON", "CAMPBELL", "STEWART", "WHITE", "HARRIS", "NGATA", "KELLY", "RYAN", "MITCHELL"],
  jp: ["TANAKA", "SATO", "SUZUKI", "TAKAHASHI", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA", "KATO"],
};

export const DEPARTMENTS = ["RECEPTION", "ACCOUNTS", "SALES", "OFFICE", "SHOP", "DISPATCH", "LAB", "DESIGN", "PAYROLL", "FRONTDESK"];

export const SERVER_ROLE_CODE: Record<ServerRole, string> = {
  dc: "DC",
  fs: "FS",
  sql: "SQL",
  exchange: "EXCH",
  esx: "ESX",
  app: "APP",
  rds: "RDS",
  print: "PRT",
};

export const SERVER_ROLE_DESCRIPTION: Record<ServerRole, string> = {
  dc: "Domain Controller",
  fs: "File Server",
  sql: "SQL Server",
  exchange: "Exchange Server",
  esx: "VMware backup proxy",
  app: "Line of business apps",
  rds: "Remote Desktop Server",
  print: "Print Server",
};

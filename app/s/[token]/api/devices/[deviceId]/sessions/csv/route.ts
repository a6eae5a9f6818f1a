// The CSV of a share link's device (see ../../history/route.ts).
export { GET } from "@/app/api/devices/[deviceId]/sessions/csv/route";

// The session table of a share link's device (see ../../history/route.ts).
export { GET } from "@/app/api/devices/[deviceId]/sessions/table/route";

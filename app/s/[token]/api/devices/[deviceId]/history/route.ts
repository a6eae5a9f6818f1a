// Share links read through their own path: the principal comes from its token, for that device only.
export { GET } from "@/app/api/devices/[deviceId]/history/route";

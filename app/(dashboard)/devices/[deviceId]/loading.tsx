import { Skeleton } from "@/components/ui/skeleton";

export default function DeviceLoading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading the device page…">
      <Skeleton className="h-5 w-72" />
      <Skeleton className="h-8 w-96" />
      <Skeleton className="h-40" />
      <Skeleton className="h-40" />
      <div className="grid gap-4 xl:grid-cols-2">
        <Skeleton className="h-80" />
        <Skeleton className="h-80" />
      </div>
    </div>
  );
}

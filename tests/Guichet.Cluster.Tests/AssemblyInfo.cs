// Each test class runs its own nodes (processes) on its own database: one class at a time, or the machine's cores
// would be shared by a dozen app processes at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

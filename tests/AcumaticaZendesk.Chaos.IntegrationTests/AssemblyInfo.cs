// The chaos smoke starts the real apps, whose Program sets Serilog's static bootstrap logger: two apps building at the
// same moment in one process collide ("The logger is already frozen"). One test at a time (it also suits the shared CPUs).
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

// The apps' Program (ServiceHost.RunAsync) sets Serilog's static bootstrap logger, which each app freezes while it
// builds: two apps building at the same moment in one process collide ("The logger is already frozen"). The
// suites therefore start their apps one test at a time (it also suits the shared CPUs).
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

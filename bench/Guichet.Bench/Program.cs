using Guichet.Bench;

// dotnet run -c Release --project bench/Guichet.Bench -- slots|booking|all [--postgres "<connection string>"] [options]
// Every figure is printed beside a baseline measured in the same run on the same machine, with the ratio.
return await BenchProgram.MainAsync(args);

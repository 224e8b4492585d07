global using Orleans;
global using Orleans.Runtime;
global using Vibe.Contracts;
global using Vibe.Contracts.Errors;

global using Orleans;
global using Vibe.Contracts.Errors;

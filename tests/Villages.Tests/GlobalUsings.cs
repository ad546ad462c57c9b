global using Orleans;
global using Villages;
global using Xunit;

global using Villages;
global using Xunit;

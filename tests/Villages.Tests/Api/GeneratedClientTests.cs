using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Villages.ApiClient;
using Villages.Tests.Infrastructure;
using Client = Villages.ApiClient.Models;

namespace Villages.Tests.Api;

/// <summary>
/// The C# client Kiota generates from docs/openapi/v1.json (tests/Villages.ApiClient), end to end
/// against the running service: what a client team would build from the document works as written.
/// Its HttpClients are the host's, so every exchange is also checked against the document.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(ApiFixture api)
{
    [Fact]
    public async Task A_generated_client_signs_in_opens_a_programme_enrols_reads_and_gets_its_problems_typed()
    {
        var code = api.NextVillage();
        using var anonymousHttp = api.Host.NewClient();
        var anonymous = Connect(anonymousHttp);

        var about = await anonymous.Api.About.GetAsync();
        Assert.True(about!.DevelopmentTokens);
        var token = await anonymous.Dev.Tokens.PostAsync(new Client.TokenRequest { Subject = "kiota-operator", Roles = ["village-operator"], Regions = [code] });
        Assert.False(string.IsNullOrEmpty(token!.Token));

        using var operatorHttp = api.Host.ClientFor(token.Token);
        var village = Connect(operatorHttp).Api.Villages[code];
        var opened = await village.Program.PutAsync(One(new Client.ProgramRequest { BudgetAllocated = 20_160_000 }));
        Assert.Equal(100, opened!.Program!.TargetWorkers);
        Assert.Equal(Client.FundingSource.SD, opened.Program.FundingSource);

        var worker = Workers.Worker();
        var enrolled = await village.Enrollments.PostAsync(new Client.EnrollmentRequest
        {
            Nik = worker.Nik, Name = worker.Name, Occupation = worker.Occupation, MonthlyIncome = worker.MonthlyIncome,
        });
        Assert.Equal(Client.EnrollmentStatus.Active, enrolled!.Status);
        Assert.Equal(worker.Nik![..4] + "********" + worker.Nik[12..], enrolled.Nik);
        Assert.Equal(Workers.YearOfUsualPackage, enrolled.Commitment);
        Assert.Equal(["JKK", "JKM"], enrolled.Programs);

        var read = await anonymous.Api.Villages[code].GetAsync();
        Assert.Equal(1, read!.ActiveEnrollments);
        Assert.Equal(Workers.YearOfUsualPackage, read.Program!.BudgetCommitted);
        Assert.Equal(Client.VillageStatus.Active, read.Status);

        var page = await village.Enrollments.GetAsync(request => request.QueryParameters.Limit = 10);
        Assert.Equal(enrolled.EnrollmentId, Assert.Single(page!.Items!).EnrollmentId);
        var one = await village.Enrollments[enrolled.EnrollmentId].GetAsync();
        Assert.Equal(enrolled.EnrollmentId, one!.EnrollmentId);

        // Problems arrive as the typed ProblemDetails the document declares.
        var invalid = await Assert.ThrowsAsync<Client.ProblemDetails>(() => village.Enrollments.PostAsync(new Client.EnrollmentRequest
        {
            Nik = "3510014503900000", Name = "Siti Aminah", Occupation = "nelayan", MonthlyIncome = 1_000_000,
        }));
        Assert.Equal(400, invalid.ResponseStatusCode);
        Assert.Equal(Client.ProblemDetails_code.InvalidNik, invalid.Code);
        Assert.Equal("/problems/invalid-nik", invalid.Type);
        var tooPoor = await Assert.ThrowsAsync<Client.ProblemDetails>(() => village.Program.PutAsync(One(new Client.ProgramRequest { BudgetAllocated = 1 })));
        Assert.Equal(Client.ProblemDetails_code.BudgetBelowCommitted, tooPoor.Code);
        var signIn = await Assert.ThrowsAsync<Client.ProblemDetails>(() => anonymous.Api.Villages[code].Enrollments.GetAsync());
        Assert.Equal(401, signIn.ResponseStatusCode);
        Assert.Equal(Client.ProblemDetails_code.Unauthenticated, signIn.Code);

        var withdrawn = await village.Enrollments[enrolled.EnrollmentId].DeleteAsync();
        Assert.NotNull(withdrawn);
        var history = await village.History.GetAsync();
        Assert.NotEmpty(history!.Items!);
        var progress = await anonymous.Api.Progress[code[..8]].GetAsync();
        Assert.Equal(code[..8], progress!.Region!.Code);
    }

    /// <summary>The programme endpoints take one object or an array; Kiota wraps the choice.</summary>
    private static Villages.ApiClient.Api.Villages.Item.Program.ProgramRequestBuilder.ProgramPutRequestBody One(Client.ProgramRequest request) =>
        new() { ProgramPutRequestBodyProgramRequest = request };

    private VillagesClient Connect(HttpClient http) =>
        new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = api.Host.BaseAddress.ToString().TrimEnd('/') });
}

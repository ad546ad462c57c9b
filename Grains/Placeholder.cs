namespace Villages; public static class Placeholder2 {}

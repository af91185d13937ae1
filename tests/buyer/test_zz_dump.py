from tests.buyer.test_answering import queries_of_saving_page_1


def test_dump(client, coop_a):
    print(
        "COUNTS",
        queries_of_saving_page_1(client, coop_a, 3, conditional=False),
        queries_of_saving_page_1(client, coop_a, 30, conditional=False),
    )

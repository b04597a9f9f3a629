"""Obviously fictional names for synthetic records: ordinary first names with surnames
that no family has (made from English place-name parts)."""

BOYS = ["Aaron", "Adam", "Ahmed", "Ali", "Alfie", "Ben", "Bilal", "Callum", "Charlie", "Connor", "Daniel", "Dylan",
        "Ethan", "Finley", "Harry", "Hassan", "Isaac", "Jack", "Jacob", "Jayden", "Joel", "Jordan", "Josh", "Kai",
        "Kian", "Leo", "Liam", "Logan", "Luca", "Mason", "Mohammed", "Nathan", "Noah", "Omar", "Oscar", "Reece",
        "Riley", "Ryan", "Sam", "Theo", "Tyler", "Yusuf", "Zain", "Kofi", "Tomasz", "Marek", "Deshawn", "Elijah"]
GIRLS = ["Aaliyah", "Abbie", "Aisha", "Amber", "Amelia", "Ava", "Bethany", "Chloe", "Courtney", "Demi", "Ella",
         "Ellie", "Emily", "Erin", "Fatima", "Freya", "Grace", "Hannah", "Holly", "Imani", "Isla", "Jade", "Jasmine",
         "Keira", "Lacey", "Leah", "Lily", "Maya", "Megan", "Mia", "Molly", "Nadia", "Olivia", "Paige", "Poppy",
         "Ruby", "Sadia", "Scarlett", "Sofia", "Tia", "Zara", "Amara", "Kacey", "Precious"]
NEUTRAL = ["Alex", "Charlie", "Jamie", "Jordan", "Morgan", "Riley", "Sky", "Robin"]

_FIRST = ["Ash", "Bramble", "Cinder", "Dapple", "Elder", "Fern", "Gorse", "Hazel", "Ivy", "Juniper", "Kestrel",
          "Linden", "Marsh", "Nettle", "Oak", "Pebble", "Quill", "Rowan", "Sorrel", "Thistle", "Umber", "Vale",
          "Willow", "Yarrow", "Zephyr", "Briar", "Copper", "Moss"]
_LAST = ["combe", "thwaite", "wick", "hollow", "stead", "field", "brook", "ridge", "worth", "dale", "ford", "holme"]
SURNAMES = [f + last for f in _FIRST for last in _LAST]

STREET_NAMES = ["Ghost", "Spider", "Tiny", "Smokey", "Bruv", "Flash", "Shadow", "Kid", "Snips", "Ace", "Blaze", "Boo"]

WORKER_FIRST = ["Alys", "Bryn", "Cerys", "Dewi", "Efa", "Gethin", "Hafwen", "Iolo", "Lowri", "Macsen", "Nia", "Owain",
                "Rhian", "Siôn", "Tegan", "Wyn"]

POSTCODE_AREAS = ["MX1", "MX2", "MX3", "MX4", "MX5", "MX8", "MX9", "MX11", "MX12", "MX14", "MX15", "MX16", "MX18", "MX19", "MX20", "MX22", "MX23"]

package scoutgen

// Name pools for invented people. They are common given names and surnames,
// combined at random, so no combination is meant to be a real person.
var (
	firstNames = []string{
		"Aaron", "Adrian", "Aiden", "Alex", "Andrew", "Ava", "Avery", "Benjamin", "Blake", "Brandon",
		"Caleb", "Cameron", "Carlos", "Carter", "Charlotte", "Chloe", "Christopher", "Cole", "Connor", "Daniel",
		"David", "Diego", "Dylan", "Elijah", "Ella", "Emily", "Emma", "Ethan", "Evan", "Gabriel",
		"Gavin", "Grace", "Hannah", "Henry", "Hunter", "Isaac", "Isabella", "Jack", "Jacob", "James",
		"Jayden", "Jordan", "Joseph", "Joshua", "Julian", "Kai", "Leo", "Liam", "Logan", "Lucas",
		"Luke", "Madison", "Marcus", "Mason", "Matthew", "Maya", "Mia", "Michael", "Nathan", "Noah",
		"Nolan", "Olivia", "Owen", "Parker", "Quinn", "Riley", "Ryan", "Samuel", "Sebastian", "Sophia",
		"Theo", "Thomas", "Tyler", "Wyatt", "Xavier", "Zoe",
	}
	lastNames = []string{
		"Abbott", "Alvarez", "Anderson", "Bailey", "Baker", "Barnes", "Bennett", "Brooks", "Bryant", "Campbell",
		"Carter", "Castillo", "Chen", "Clark", "Coleman", "Collins", "Cooper", "Cruz", "Davis", "Diaz",
		"Edwards", "Ellis", "Evans", "Fischer", "Flores", "Foster", "Garcia", "Gomez", "Gonzalez", "Graham",
		"Gray", "Green", "Griffin", "Hall", "Harper", "Hayes", "Henderson", "Hughes", "Jenkins", "Johnson",
		"Kelly", "Kim", "Lambert", "Lee", "Lopez", "Marshall", "Martinez", "Meyer", "Mitchell", "Morales",
		"Murphy", "Nguyen", "Novak", "O'Brien", "Ortiz", "Parker", "Patel", "Perry", "Peterson", "Price",
		"Ramirez", "Reed", "Reyes", "Rivera", "Roberts", "Russell", "Sanders", "Schmidt", "Shaw", "Sullivan",
		"Thompson", "Torres", "Turner", "Vasquez", "Wagner", "Walker", "Ward", "Watson", "Webb", "Wright",
		"Young", "Zimmerman",
	}
	nicknames = []string{"AJ", "Ben", "Cam", "Danny", "Jay", "JJ", "Max", "Nate", "Sam", "Will", "Zeke", "Bo"}
	// adultFirstNames are used for leaders and counselors.
	adultFirstNames = []string{
		"Amy", "Brian", "Carol", "Dana", "Doug", "Erin", "Frank", "Gail", "Greg", "Heather",
		"Jeff", "Karen", "Kevin", "Laura", "Lisa", "Mark", "Megan", "Paul", "Rachel", "Steve",
		"Susan", "Todd", "Wendy",
	}
)

// nameWithComma and nameWithQuotes are the noisy names of the roster: a
// surname with a generational suffix after a comma, and a nickname typed
// with double quotes around it. Both must come back intact from a CSV parser.
const (
	nameWithComma  = ", Jr."
	nameWithQuotes = `"Scooter"`
)
